"""The schema as Piccolo tables: what every table and column is for.

The migrations in ``migrations/`` create exactly these columns on SQLite and PostgreSQL (a test
compares the two). Times are ISO-8601 UTC text (see ``utc_now``); ids made on devices are UUID text;
JSON documents are text encoded by msgspec, so both engines store the same bytes.
"""

from piccolo.columns import BigInt, ForeignKey, Integer, Serial, Text, Varchar
from piccolo.table import Table


class Unit(Table, tablename="units"):
    """A clinic or ward that hosts placements (studierektor scope)."""

    id = Serial(primary_key=True)
    name = Varchar(length=200, unique=True)
    region = Varchar(length=200, null=True)
    created_at = Text()


class User(Table, tablename="users"):
    """A person with an account. Assessors without one are stored on the assessment itself."""

    id = Serial(primary_key=True)
    email = Varchar(length=320, unique=True)
    name = Varchar(length=200)
    title = Varchar(length=200, null=True)
    workplace = Varchar(length=200, null=True)
    password_hash = Text(null=True)
    active = Integer(default=1)
    created_at = Text()


class UserRole(Table, tablename="user_roles"):
    """One role of a user: trainee, assessor, clinical_supervisor, main_supervisor, studierektor, admin.
    ``unit_id`` scopes a studierektor to a unit."""

    id = Serial(primary_key=True)
    user_id = ForeignKey(User)
    role = Varchar(length=40)
    unit_id = ForeignKey(Unit, null=True)


class Programme(Table, tablename="programmes"):
    """A trainee's BT, ST or AT, with the main supervisor (HHL) who follows it across placements."""

    id = Serial(primary_key=True)
    trainee_id = ForeignKey(User)
    kind = Varchar(length=4)
    unit_id = ForeignKey(Unit)
    main_supervisor_id = ForeignKey(User, null=True)
    start_date = Varchar(length=10)
    end_date = Varchar(length=10, null=True)


class Placement(Table, tablename="placements"):
    """One tjänstgöringsperiod of a programme at a unit, with its clinical supervisor."""

    id = Serial(primary_key=True)
    programme_id = ForeignKey(Programme)
    unit_id = ForeignKey(Unit)
    specialty = Varchar(length=200)
    start_date = Varchar(length=10)
    end_date = Varchar(length=10)
    clinical_supervisor_id = ForeignKey(User, null=True)
    #: primarvard, akut_sjukvard, psykiatri or annan (null: not known yet), as the BT certificates ask
    placement_type = Varchar(length=20, null=True)
    #: sysselsättningsgrad, 1–100
    employment_rate_percent = Integer(default=100)
    absence_days = Integer(default=0)


class Session(Table, tablename="sessions"):
    """A login. ``id`` is the SHA-256 of the cookie's random token: the token itself is never stored."""

    id = Varchar(length=64, primary_key=True)
    user_id = ForeignKey(User)
    created_at = Text()
    expires_at = Text()


class FormDefinition(Table, tablename="form_definitions"):
    """Every form version the server has ever served, with its content hash: the database remembers
    what was published even if the files change."""

    id = Serial(primary_key=True)
    form_id = Varchar(length=100)
    version = Integer()
    content_hash = Varchar(length=80)
    instrument = Varchar(length=100)
    registered_at = Text()


class Assessment(Table, tablename="assessments"):
    """One filled form, from draft to countersigned. ``id`` is made on the device (UUID).

    ``version`` counts changes to this document (the sync base version); ``seq`` is the global change
    sequence of its last change (the sync checkpoint). The assessor is a user or, for requests
    answered without an account, a person known by name and e-mail."""

    id = Varchar(length=36, primary_key=True)
    form_id = Varchar(length=100)
    form_version = Integer()
    form_hash = Varchar(length=80)
    trainee_id = ForeignKey(User)
    assessor_id = ForeignKey(User, null=True)
    assessor_name = Varchar(length=200, null=True)
    assessor_email = Varchar(length=320, null=True)
    placement_id = ForeignKey(Placement, null=True)
    #: the date of the observed activity (the device's day when not given), and the BT delmål this
    #: encounter showed (JSON list, a subset of the form's evidence_for): metadata, not form data
    observed_on = Varchar(length=10, null=True)
    delmal = Text(null=True)
    #: 1: a handledningssamtal private between its trainee and its supervisor (nobody else reads it)
    private = Integer(default=0)
    #: the signed document this one follows up (an action plan's follow-up names its plan)
    follows_up_id = Varchar(length=36, null=True)
    status = Varchar(length=20)
    data = Text()
    field_meta = Text()
    conflicts = Text()
    version = Integer()
    seq = BigInt()
    deleted = Integer(default=0)
    amends_id = Varchar(length=36, null=True)
    reflection = Text(null=True)
    content_hash = Varchar(length=80, null=True)
    created_by = Varchar(length=80)
    created_at = Text()
    updated_at = Text()
    submitted_at = Text(null=True)
    signed_at = Text(null=True)
    signed_by = Varchar(length=80, null=True)
    acknowledged_at = Text(null=True)
    countersigned_at = Text(null=True)
    countersigned_by = Varchar(length=80, null=True)
    returned_reason = Text(null=True)


class AuditEvent(Table, tablename="audit_events"):
    """Who changed what, when. ``actor`` is ``user:<id>`` or another principal id; ``actor_name`` is
    the name shown at the time."""

    id = Serial(primary_key=True)
    assessment_id = Varchar(length=36)
    at = Text()
    actor = Varchar(length=80)
    actor_name = Varchar(length=200)
    action = Varchar(length=40)
    detail = Text()


class SyncClient(Table, tablename="sync_clients"):
    """A device's sync identity: the last mutation number applied (exactly-once)."""

    client_id = Varchar(length=64, primary_key=True)
    actor = Varchar(length=80)
    last_mutation_id = BigInt()
    updated_at = Text()


class SyncResult(Table, tablename="sync_results"):
    """The stored answer to each applied mutation, so a replay returns the same result."""

    id = Serial(primary_key=True)
    client_id = Varchar(length=64)
    mutation_id = BigInt()
    result = Text()


class Counter(Table, tablename="counters"):
    """Named counters kept in the database (the change sequence), never in process memory."""

    name = Varchar(length=40, primary_key=True)
    value = BigInt()


class RateLimit(Table, tablename="rate_limits"):
    """Fixed-window request counts per key, shared by every server process."""

    key = Varchar(length=200, primary_key=True)
    window_start = BigInt()
    count = Integer()


class AssessmentRequest(Table, tablename="assessment_requests"):
    """A trainee's request to a colleague (by e-mail link or QR at the bedside) to fill one assessment.

    The link's token is never stored: ``token_nonce`` (128 random bits) finds the request once the
    token's tag is checked, and lets the server derive the same token again with its secret key, for
    reminders and the QR (``server.auth.capability``); ``token_hash`` is its SHA-256.
    The shown status (sent, opened, in progress, completed, declined, withdrawn, expired) follows from
    the timestamps here and the assessment's status."""

    id = Varchar(length=36, primary_key=True)
    assessment_id = ForeignKey(Assessment, unique=True)
    trainee_id = ForeignKey(User)
    channel = Varchar(length=10)
    assessor_name = Varchar(length=200)
    assessor_email = Varchar(length=320, null=True)
    assessor_title = Varchar(length=200, null=True)
    assessor_workplace = Varchar(length=200, null=True)
    message = Text(null=True)
    token_hash = Varchar(length=64, unique=True)
    token_nonce = Varchar(length=64, unique=True)
    created_at = Text()
    expires_at = Text()
    reminder_base_at = Text()
    reminders_sent = Integer(default=0)
    last_reminded_at = Text(null=True)
    opened_at = Text(null=True)
    declined_at = Text(null=True)
    decline_reason = Text(null=True)
    withdrawn_at = Text(null=True)
    outcome_notified_at = Text(null=True)
    updated_at = Text()
    #: the first device that opened the link: its own secret (``claim_nonce`` derives it, only the
    #: hash is kept), or the colleague's account when they opened it logged in
    claimed_at = Text(null=True)
    claim_nonce = Varchar(length=64, null=True)
    claim_secret_hash = Varchar(length=64, null=True, unique=True)
    claimed_by_user = ForeignKey(User, null=True)
    #: the name and e-mail the claiming assessor gave (the signature receipt goes to the e-mail);
    #: ``assessor_name`` stays what the trainee typed
    claimed_email = Varchar(length=320, null=True)
    claimed_name = Varchar(length=200, null=True)
    #: later attempts to claim the link on another device, shown to the device that holds it
    claim_refusals = Integer(default=0)
    last_claim_refused_at = Text(null=True)
    #: derives the "not me" link of the signature receipt; set when the receipt is queued
    receipt_nonce = Varchar(length=64, null=True, unique=True)
    disputed_at = Text(null=True)
    #: the 360 round (``msf_rounds.id``) that asked this rater; such a request is shown in its round,
    #: never in the trainee's own list
    round_id = Varchar(length=36, null=True)


class RefusedClaim(Table, tablename="refused_claims"):
    """A device refused a claim of a request link (another held it): only such a device may hand in
    what it typed as a displaced answer."""

    id = Serial(primary_key=True)
    request_id = ForeignKey(AssessmentRequest)
    device_key_hash = Varchar(length=64)
    at = Text()


class RefusedMutation(Table, tablename="refused_mutations"):
    """What a refused sync mutation carried (nothing typed is lost), kept for the person who sent it
    and shown to nobody else. Text refused for an identity number is never kept."""

    id = Serial(primary_key=True)
    actor = Varchar(length=80)
    client_id = Varchar(length=64)
    doc_id = Varchar(length=36)
    kind = Varchar(length=20)
    reason = Varchar(length=40)
    at = Text()
    detail = Text()


class DisplacedAnswer(Table, tablename="displaced_answers"):
    """An answer typed on a second device for a request link that another device had claimed first:
    kept and shown to the trainee's supervisors beside the answer that counts."""

    id = Serial(primary_key=True)
    request_id = ForeignKey(AssessmentRequest)
    assessment_id = ForeignKey(Assessment)
    #: SHA-256 of the sending device's key: a device's resend replaces its earlier copy
    device_key_hash = Varchar(length=64)
    received_at = Text()
    assessor_name = Varchar(length=200, null=True)
    assessor_title = Varchar(length=200, null=True)
    assessor_workplace = Varchar(length=200, null=True)
    assessor_email = Varchar(length=320, null=True)
    data = Text()
    steps = Text()


class MailOutbox(Table, tablename="mail_outbox"):
    """E-mail waiting to go out, or sent. Undeliverable mail stays ``queued`` and is retried with
    backoff; ``claimed_until`` keeps two server processes from sending the same mail at once. A body
    holds ``{link}`` instead of a capability link, filled in when sent (tokens are never stored)."""

    id = Serial(primary_key=True)
    request_id = Varchar(length=36, null=True)
    kind = Varchar(length=40)
    to_address = Varchar(length=320)
    subject = Varchar(length=300)
    body = Text()
    status = Varchar(length=10)
    attempts = Integer(default=0)
    next_attempt_at = Text()
    claimed_until = Text(null=True)
    last_error = Text(null=True)
    created_at = Text()
    sent_at = Text(null=True)
    #: what ``{link}`` in the body becomes when sent: a capability link of this purpose and nonce
    link_purpose = Varchar(length=20, null=True)
    link_nonce = Varchar(length=64, null=True)
    #: the message's own ``Message-ID`` (made when queued: a retry sends the same message); the thread
    #: it belongs to (e.g. ``request:<id>``) and the first message of that thread to the same address,
    #: which it answers (``In-Reply-To``, ``References``)
    message_id = Varchar(length=200, null=True)
    thread_key = Varchar(length=100, null=True)
    in_reply_to = Varchar(length=200, null=True)


class UnitSetting(Table, tablename="unit_settings"):
    """One setting of a unit (``key``, a JSON ``value``), e.g. a rule for who is behind; a key without
    a row means the default of the feature that reads it."""

    id = Serial(primary_key=True)
    unit_id = ForeignKey(Unit)
    key = Varchar(length=60)
    value = Text()
    updated_at = Text()
    updated_by = ForeignKey(User, null=True)


class MsfRound(Table, tablename="msf_rounds"):
    """A 360 round for one trainee: ``nominating`` (raters named, nobody asked yet), ``open`` (every
    rater has a link, until ``deadline``), ``closed``, ``released`` (the trainee sees the report).
    ``group_minimums`` is a JSON object (group → least answers); ``comment_seed`` fixes the random
    order in which the report shows comments."""

    id = Varchar(length=36, primary_key=True)
    trainee_id = ForeignKey(User)
    status = Varchar(length=12)
    deadline = Text()
    min_total = Integer()
    group_minimums = Text()
    comment_seed = Varchar(length=64)
    self_assessment_id = ForeignKey(Assessment, null=True)
    created_by = ForeignKey(User)
    created_at = Text()
    opened_at = Text(null=True)
    closed_at = Text(null=True)
    released_at = Text(null=True)
    #: the development points the trainee and her main supervisor agreed on after the report
    agreed_points = Text(null=True)
    updated_at = Text()


class MsfRoundRater(Table, tablename="msf_round_raters"):
    """A rater nominated for a round (by the trainee or her main supervisor), in one rater group;
    asked by ``request_id`` once the round opens."""

    id = Varchar(length=36, primary_key=True)
    round_id = ForeignKey(MsfRound)
    name = Varchar(length=200)
    email = Varchar(length=320)
    rater_group = Varchar(length=30)
    nominated_by = ForeignKey(User)
    nominated_at = Text()
    request_id = ForeignKey(AssessmentRequest, null=True)


class MsfHiddenComment(Table, tablename="msf_hidden_comments"):
    """A rater's comment the main supervisor hid from the trainee before release: kept, with who and why."""

    id = Serial(primary_key=True)
    round_id = ForeignKey(MsfRound)
    assessment_id = ForeignKey(Assessment)
    field = Varchar(length=60)
    reason = Text()
    hidden_by = ForeignKey(User)
    hidden_at = Text()


class MsfRoundEvent(Table, tablename="msf_round_events"):
    """What happened to a round and who did it (created, nominated, removed, opened, reminded, closed,
    extended, hid, released, agreed); ``detail`` is JSON."""

    id = Serial(primary_key=True)
    round_id = ForeignKey(MsfRound)
    at = Text()
    actor_id = ForeignKey(User)
    action = Varchar(length=30)
    detail = Text()


ALL_TABLES: tuple[type[Table], ...] = (
    Unit, UnitSetting, User, UserRole, Programme, Placement, Session, FormDefinition, Assessment, AuditEvent,
    SyncClient, SyncResult, Counter, RateLimit, AssessmentRequest, MailOutbox, RefusedMutation, DisplacedAnswer, RefusedClaim,
    MsfRound, MsfRoundRater, MsfHiddenComment, MsfRoundEvent,
)
