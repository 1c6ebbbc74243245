// Stripe `customer.created` -> a contact in a HubSpot-style CRM
// (POST /crm/v3/objects/contacts with {"properties": {...}}).
//
// The router calls transform(event) once per event routed to this destination. `event.data` is
// the Stripe event object as Stripe sent it; the customer is in event.data.data.object.
// Returning null skips the event for this destination; throwing dead-letters it.

function transform(event) {
  var stripeEvent = event.data;
  if (!stripeEvent || stripeEvent.type !== "customer.created") {
    return null;
  }

  var customer = stripeEvent.data.object;
  if (!customer.email) {
    // HubSpot deduplicates contacts by email and refuses a contact without one.
    throw new Error("Stripe customer " + customer.id + " has no email address");
  }

  var name = splitName(customer.name);
  var address = customer.address || {};
  var properties = {
    email: customer.email.trim().toLowerCase(),
    firstname: name.first,
    lastname: name.last,
    phone: customer.phone,
    address: joinLines(address.line1, address.line2),
    city: address.city,
    zip: address.postal_code,
    country: address.country,
    company: customer.metadata && customer.metadata.company,
    lifecyclestage: "customer"
  };

  return {
    method: "POST",
    path: "/crm/v3/objects/contacts",
    headers: { "X-Source-Event-Id": event.id },
    body: { properties: withoutEmpty(properties) }
  };
}

// Stripe keeps one free-text name; HubSpot wants first and last. The last word is the last name.
function splitName(full) {
  var words = (full || "").trim().split(/\s+/).filter(function (w) { return w.length > 0; });
  if (words.length === 0) {
    return { first: null, last: null };
  }
  if (words.length === 1) {
    return { first: words[0], last: null };
  }
  return { first: words.slice(0, -1).join(" "), last: words[words.length - 1] };
}

function joinLines(first, second) {
  return [first, second].filter(function (line) { return !!line; }).join(", ") || null;
}

// HubSpot treats an empty string as "clear this property"; absent keys leave it alone.
function withoutEmpty(properties) {
  var result = {};
  Object.keys(properties).forEach(function (key) {
    var value = properties[key];
    if (value !== null && value !== undefined && value !== "") {
      result[key] = String(value);
    }
  });
  return result;
}
