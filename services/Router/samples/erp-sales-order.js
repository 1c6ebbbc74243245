// Shopify `orders/create` -> a sales order in an ERP API (POST /api/v1/sales-orders).
//
// `event.data` is the Shopify order as Shopify sent it; `event.headers` holds Shopify's HTTP
// headers (lower case, e.g. x-shopify-topic, x-shopify-shop-domain).
// Money is sent in minor units (cents) so that no floating-point rounding reaches the ERP.

function transform(event) {
  var topic = event.headers["x-shopify-topic"];
  if (topic && topic !== "orders/create") {
    return null;
  }

  var order = event.data;
  if (!order.line_items || order.line_items.length === 0) {
    throw new Error("Shopify order " + order.id + " has no line items");
  }

  var lines = order.line_items.map(function (item, index) {
    var unit = minorUnits(item.price);
    return {
      lineNumber: index + 1,
      sku: item.sku || ("shopify-variant-" + item.variant_id),
      description: item.title + (item.variant_title ? " (" + item.variant_title + ")" : ""),
      quantity: item.quantity,
      unitPriceMinor: unit,
      lineTotalMinor: unit * item.quantity
    };
  });

  var shipping = (order.shipping_lines || []).reduce(function (sum, line) {
    return sum + minorUnits(line.price);
  }, 0);

  return {
    method: "POST",
    path: "/api/v1/sales-orders",
    headers: { "X-Shop-Domain": event.headers["x-shopify-shop-domain"] },
    body: {
      externalId: "shopify-" + order.id,
      orderNumber: order.name,
      orderDate: order.created_at,
      currency: order.currency.toUpperCase(),
      customer: customerOf(order),
      lines: lines,
      totals: {
        subtotalMinor: minorUnits(order.subtotal_price),
        taxMinor: minorUnits(order.total_tax),
        shippingMinor: shipping,
        totalMinor: minorUnits(order.total_price)
      }
    }
  };
}

function customerOf(order) {
  var customer = order.customer || {};
  var billing = order.billing_address || {};
  return {
    externalId: customer.id ? "shopify-customer-" + customer.id : null,
    email: order.email || customer.email,
    name: [customer.first_name, customer.last_name].filter(Boolean).join(" ") || billing.name,
    billingAddress: {
      street: billing.address1,
      city: billing.city,
      postalCode: billing.zip,
      country: billing.country_code
    }
  };
}

// Shopify sends amounts as decimal strings ("49.50"); parse them without floating-point drift.
function minorUnits(amount) {
  var parts = String(amount || "0").split(".");
  var fraction = ((parts[1] || "") + "00").slice(0, 2);
  var sign = parts[0].charAt(0) === "-" ? -1 : 1;
  return sign * (Math.abs(parseInt(parts[0], 10)) * 100 + parseInt(fraction, 10));
}
