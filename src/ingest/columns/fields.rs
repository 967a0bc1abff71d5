//! The kinds of input file, their fields, and the headers each field goes
//! by in the exports of the tools people use. Adding a vendor's column
//! name is one alias in one of these lists (and a fixture in
//! `fixtures/exports/`).

/// The four kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Invoices,
    Tickets,
    Meetings,
    Clients,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Invoices, Kind::Tickets, Kind::Meetings, Kind::Clients];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Invoices => "invoices",
            Kind::Tickets => "tickets",
            Kind::Meetings => "meetings",
            Kind::Clients => "clients",
        }
    }

    /// The fields of this kind with their aliases, best first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Invoices => INVOICE_FIELDS,
            Kind::Tickets => TICKET_FIELDS,
            Kind::Meetings => MEETING_FIELDS,
            Kind::Clients => CLIENT_FIELDS,
        }
    }
}

/// A canonical field and the headers that mean it.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub(crate) aliases: &'static [&'static str],
}

/// Each field's own name is its first alias, unless written `name (later)`:
/// then the name comes after the listed aliases (Stripe exports a boolean
/// `Paid` beside the date `Paid At (UTC)`, so dates must win).
macro_rules! fields {
    (@one $name:literal later [$($alias:literal),*]) => {
        Field { name: $name, aliases: &[$($alias,)* $name] }
    };
    (@one $name:literal [$($alias:literal),*]) => {
        Field { name: $name, aliases: &[$name, $($alias),*] }
    };
    ($($name:literal $($later:ident)? => [$($alias:literal),* $(,)?]),* $(,)?) => {
        &[$(fields!(@one $name $($later)? [$($alias),*])),*]
    };
}

/// Invoice fields. `amount` lists invoice-level totals before line-level
/// columns (see `LINE_AMOUNT_HEADERS`), so an export with both uses the total.
pub(crate) static INVOICE_FIELDS: &[Field] = fields![
    "client" => ["client name", "customer name", "contact name", "contactname", "customer full name",
                 "customer", "company", "company name", "account name", "organization", "contact"],
    "invoice_id" => ["invoice id", "invoice number", "invoicenumber", "invoice no", "invoice #",
                     "invoice", "number", "num", "no", "id", "document number"],
    "issued" => ["issue date", "issued date", "invoice date", "invoicedate", "date issued", "date (utc)",
                 "date", "created", "created date", "transaction date", "bill date"],
    "due" => ["due date", "duedate", "date due", "due date (utc)", "due on", "payment due"],
    "paid" later => ["paid date", "paid at", "paid at (utc)", "date paid", "paid on", "payment date",
               "settled date", "date settled", "fully paid on"],
    "amount" => ["total", "invoice total", "invoice amount", "total amount", "grand total", "amount total",
                 "line total", "line amount", "lineamount", "item total", "line subtotal"],
    "paid_amount" => ["amount paid", "invoiceamountpaid", "invoice amount paid", "payment amount",
                      "paid amount", "total paid", "payments"],
    "balance" => ["open balance", "invoiceamountdue", "invoice amount due", "balance due",
                  "amount remaining", "remaining", "outstanding", "outstanding amount"],
    "currency" => ["currency code", "curr", "ccy"],
    "status" => ["invoice status", "state", "payment status"],
    "discount" => ["total discount amount", "discount amount", "discount total"],
    // The day a void or write-off took effect: before it, the invoice was open.
    "voided_at" => ["voided at", "voided at (utc)", "voided date", "void date", "date voided",
                    "voided on", "cancelled at", "canceled at", "cancelled date", "canceled date",
                    "cancelled on", "canceled on"],
    "written_off_at" => ["marked uncollectible at", "marked uncollectible at (utc)",
                         "marked uncollectible date", "uncollectible at", "uncollectible date",
                         "written off at", "written off date", "written off on", "write off date",
                         "date written off", "bad debt date"],
];

/// Amount headers that hold one line of an invoice: rows sharing an
/// invoice id are then summed rather than required to agree.
pub(crate) const LINE_AMOUNT_HEADERS: &[&str] = &[
    "line total",
    "line amount",
    "lineamount",
    "item total",
    "line subtotal",
];

pub(crate) static TICKET_FIELDS: &[Field] = fields![
    "client" => ["organization", "organisation", "organization name", "company", "company name",
                 "customer", "customer name", "client name", "account", "account name",
                 "custom field (organizations)", "organizations"],
    "ticket_id" => ["ticket id", "ticket number", "ticket #", "ticket no", "issue key", "key", "id",
                    "number", "case number"],
    "created" => ["created at", "created time", "created date", "date created", "created on",
                  "opened", "opened at", "submitted"],
    "resolved" => ["resolved at", "resolved time", "resolved date", "solved at", "closed", "closed at",
                   "closed time", "date closed"],
    "minutes" => ["time spent (min)", "time spent minutes", "time spent", "time tracked",
                  "total time spent (sec)", "time spent (sec)", "time spent seconds", "time worked",
                  "duration", "handle time"],
    "email" => ["requester email", "customer email", "contact email", "email address", "requester",
                "reporter"],
    "type" => ["ticket type", "issue type", "category", "request type"],
    "tags" => ["labels", "tag", "label"],
    "priority" => ["ticket priority", "urgency", "severity"],
];

pub(crate) static MEETING_FIELDS: &[Field] = fields![
    "client" => ["associated company", "company", "company name", "organization", "account",
                 "account name", "customer", "customer name", "client name"],
    "date" => ["start", "start time", "start date & time", "start date", "meeting start time",
               "start datetime", "activity date", "scheduled", "meeting date", "when"],
    "end" => ["end time", "end date & time", "end date", "meeting end time", "end datetime"],
    "minutes" => ["duration", "duration (minutes)", "duration minutes", "length", "length (minutes)"],
    "status" => ["meeting outcome", "outcome", "attendance", "meeting status"],
    "canceled" => ["cancelled", "is canceled", "is cancelled"],
    "no_show" => ["marked as no-show", "no-show", "no show", "noshow", "is no show"],
    "email" => ["invitee email", "attendee email", "contact email", "email address"],
    "attendees" => ["our attendees", "team attendees", "participants", "attendee count"],
];

pub(crate) static CLIENT_FIELDS: &[Field] = fields![
    "client" => ["client name", "name", "company", "company name", "customer", "customer name", "account"],
    "aliases" => ["alias", "also known as", "aka"],
    "domains" => ["domain", "email domains", "email domain"],
    "segment" => ["tier", "category"],
    "strategic" => ["is strategic", "key account"],
    "owner" => ["account manager", "account owner", "manager", "am"],
];

/// Required fields per kind, as alternatives: each inner list needs one.
pub(crate) fn required(kind: Kind) -> &'static [&'static [&'static str]] {
    match kind {
        Kind::Invoices => &[&["client"], &["issued"], &["amount"]],
        Kind::Tickets => &[&["client", "email"], &["created"]],
        Kind::Meetings => &[
            &["client", "email"],
            &["date"],
            &["status", "canceled", "no_show"],
        ],
        Kind::Clients => &[
            &["client"],
            &["aliases", "domains", "strategic", "owner", "segment"],
        ],
    }
}
