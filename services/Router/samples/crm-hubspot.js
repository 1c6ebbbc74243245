// Stripe `customer.created` and `customer.updated` -> an upsert of the contact in a HubSpot-style
// CRM, keyed by email (POST /crm/v3/objects/contacts/batch/upsert with one input per event).
// An upsert, not a create, so a customer seen again (an update, or a contact the CRM already
// has) changes the one contact instead of failing with 409 Conflict.
//
// The router calls transform(event) once per event routed to this destination. `event.data` is
// the Stripe event object as Stripe sent it; the customer is in event.data.data.object.
// Returning null skips the event for this destination; throwing dead-letters it.

var CUSTOMER_EVENTS = ["customer.created", "customer.updated"];

function transform(event) {
  var stripeEvent = event.data;
  if (!stripeEvent || CUSTOMER_EVENTS.indexOf(stripeEvent.type) < 0) {
    return null;
  }

  var customer = stripeEvent.data.object;
  if (!customer.email) {
    // The email is what the upsert finds the contact by; without one there is nothing to match.
    throw new Error("Stripe customer " + customer.id + " has no email address");
  }

  var email = customer.email.trim().toLowerCase();
  var name = splitName(customer.name);
  var address = customer.address || {};
  var properties = {
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

  // The email is the id of the upsert; HubSpot sets it on a contact it creates.
  return {
    method: "POST",
    path: "/crm/v3/objects/contacts/batch/upsert",
    headers: { "X-Source-Event-Id": event.id },
    body: {
      inputs: [{ idProperty: "email", id: email, properties: withoutEmpty(properties) }]
    }
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
