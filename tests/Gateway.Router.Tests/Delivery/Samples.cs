namespace Gateway.Router.Tests.Delivery;

/// <summary>Finds the shipped sample configuration in the repository the tests were built from.</summary>
internal static class Samples
{
    public static string PathOf(string fileName)
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "services", "Router", "samples", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"services/Router/samples/{fileName} is not above {AppContext.BaseDirectory}.");
    }

    public static string Read(string fileName) => File.ReadAllText(PathOf(fileName));

    public const string StripeCustomerCreated = """
        {
          "id": "evt_1QbT4sLkdIwHu7ixYxZ0Abcd",
          "object": "event",
          "api_version": "2024-06-20",
          "created": 1772359200,
          "livemode": true,
          "pending_webhooks": 1,
          "request": { "id": "req_8FbUe1FvXwQp2R", "idempotency_key": "4f1f3c0e-56a2-4d8b-9a53-1d1c2c5e0f11" },
          "type": "customer.created",
          "data": {
            "object": {
              "id": "cus_RkT4sLkdIwHu7i",
              "object": "customer",
              "address": {
                "city": "London",
                "country": "GB",
                "line1": "12 St James's Square",
                "line2": "Flat 3",
                "postal_code": "SW1Y 4JH",
                "state": null
              },
              "balance": 0,
              "created": 1772359199,
              "currency": null,
              "default_source": null,
              "delinquent": false,
              "description": "Signed up from the pricing page",
              "email": "  Ada.Lovelace@Example.com ",
              "invoice_prefix": "8F3A21C7",
              "invoice_settings": { "custom_fields": null, "default_payment_method": null, "footer": null },
              "livemode": true,
              "metadata": { "company": "Analytical Engines Ltd", "plan": "pro" },
              "name": "Augusta Ada Lovelace",
              "phone": "+44 20 7946 0958",
              "preferred_locales": ["en-GB"],
              "shipping": null,
              "tax_exempt": "none",
              "test_clock": null
            }
          }
        }
        """;

    public const string ShopifyOrderCreated = """
        {
          "id": 5823417892123,
          "admin_graphql_api_id": "gid://shopify/Order/5823417892123",
          "name": "#1042",
          "order_number": 1042,
          "email": "grace@example.com",
          "created_at": "2026-03-01T11:15:42+01:00",
          "currency": "eur",
          "presentment_currency": "EUR",
          "financial_status": "paid",
          "fulfillment_status": null,
          "test": false,
          "taxes_included": false,
          "subtotal_price": "139.47",
          "total_tax": "26.50",
          "total_price": "170.92",
          "total_discounts": "0.00",
          "customer": {
            "id": 7010233581599,
            "email": "grace@example.com",
            "first_name": "Grace",
            "last_name": "Hopper",
            "state": "enabled",
            "verified_email": true
          },
          "billing_address": {
            "name": "Grace Hopper",
            "address1": "Hauptstraße 5",
            "city": "Berlin",
            "zip": "10115",
            "country": "Germany",
            "country_code": "DE"
          },
          "line_items": [
            {
              "id": 14522004111387,
              "variant_id": 45213307728155,
              "product_id": 8412306571547,
              "title": "Compiler Mug",
              "variant_title": "Blue / 350 ml",
              "sku": "MUG-CMP-BLU",
              "quantity": 3,
              "price": "19.99",
              "total_discount": "0.00",
              "taxable": true
            },
            {
              "id": 14522004144155,
              "variant_id": 45213307760923,
              "product_id": 8412306604315,
              "title": "Nanosecond Wire Kit",
              "variant_title": null,
              "sku": "",
              "quantity": 1,
              "price": "79.50",
              "total_discount": "0.00",
              "taxable": true
            }
          ],
          "shipping_lines": [
            { "id": 4722118754587, "title": "DHL Express", "price": "4.95", "code": "express" }
          ]
        }
        """;
}
