//! The kinds of input file, their fields, and the headers each field goes
//! by in the exports of the tools people use. Adding a vendor's column
//! name is one alias in one of these lists (and a fixture in
//! `fixtures/exports/`).

/// The five kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Invoices,
    Tickets,
    Meetings,
    Clients,
    /// Timesheets: one row per time entry.
    Time,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Invoices,
        Kind::Tickets,
        Kind::Meetings,
        Kind::Clients,
        Kind::Time,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Invoices => "invoices",
            Kind::Tickets => "tickets",
            Kind::Meetings => "meetings",
            Kind::Clients => "clients",
            Kind::Time => "time",
        }
    }

    /// The fields of this kind with their aliases, best first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Invoices => INVOICE_FIELDS,
            Kind::Tickets => TICKET_FIELDS,
            Kind::Meetings => MEETING_FIELDS,
            Kind::Clients => CLIENT_FIELDS,
            Kind::Time => TIME_FIELDS,
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
    // A timesheet's projects that belong to this client.
    "projects" => ["project", "project names"],
];

/// Time entries, as Harvest, Toggl Track, Clockify, Kimai and Jira's
/// Tempo export them. Where an export has two candidates the better comes
/// first: Tempo's `Account Customer` before its `Account Name` (an
/// account's label), Clockify's exact `Duration (h)` before its rounded
/// `Duration (decimal)`, Kimai's display `Name` before its login `User`.
/// Harvest's `Hours Rounded` is no alias: hours are the hours worked.
/// `hours` is read as hours when its header says so (see
/// `time::duration_unit`). Money headers may end in their currency
/// (`Billable Rate (USD)`).
pub(crate) static TIME_FIELDS: &[Field] = fields![
    "client" => ["account customer", "customer", "customer name", "client name", "company",
                 "company name", "organization", "organisation", "account name"],
    "project" => ["project name"],
    "date" => ["work date", "spent date", "start date", "worklog date", "date worked", "entry date",
               "day"],
    "hours" => ["duration (h)", "duration (hours)", "time (h)", "hours worked", "logged hours",
                "duration (decimal)", "time (decimal)", "time spent (h)", "duration", "time spent",
                "time spent (sec)", "duration (seconds)", "duration (sec)", "duration (minutes)"],
    "start_time" => ["start time", "from", "begin", "started at"],
    "end_time" => ["end time", "to", "end", "stopped at"],
    "person" => ["full name", "name", "user", "user name", "member", "team member", "employee",
                 "staff", "worker", "username", "email", "e-mail"],
    "first_name" => ["first name", "firstname"],
    "last_name" => ["last name", "lastname", "surname"],
    // A person's role; `task` is read where the role cell is blank.
    "role" => ["roles", "job role", "position"],
    "task" => ["task name", "activity", "activity name", "work type", "work attribute"],
    "billable" => ["billable?", "is billable", "billable (y/n)"],
    // Tempo: how many of the entry's hours were billed.
    "billable_hours" => ["billed hours", "billable hours", "billable duration (h)"],
    "cost_rate" => ["cost rate", "internal rate", "hourly cost", "cost per hour", "cost hourly rate"],
    "cost_amount" => ["cost amount", "internal price", "internal cost", "labour cost", "labor cost",
                      "cost"],
    "bill_rate" => ["billable rate", "hourly price", "hourly rate", "bill rate"],
    "bill_amount" => ["billable amount", "bill amount", "amount", "price"],
    "currency" => ["currency code"],
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
            &[
                "aliases",
                "domains",
                "strategic",
                "owner",
                "segment",
                "projects",
            ],
        ],
        Kind::Time => &[&["client", "project"], &["date"], &["hours", "end_time"]],
    }
}
