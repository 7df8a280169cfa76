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


ALL_TABLES: tuple[type[Table], ...] = (
    Unit, User, UserRole, Programme, Placement, Session, FormDefinition, Assessment, AuditEvent,
    SyncClient, SyncResult, Counter, RateLimit,
)
