-- The extract rows as loaded, in the build's own in-memory database `intake` (attached by
-- queries/store.py): the derived tables (derived.sql) are made from them, and in a build into a
-- file they are never written to it. A published snapshot holds aggregates, labels and the entries
-- without their ids; no participant id, booking or person-day row is in it.
--
-- The code and plan-name columns of person-days and bookings are of the types intake.implementer_id,
-- intake.municipality, intake.cost_category and intake.day_type (queries/store.py makes them: an
-- enum of what a validated row can hold). Whatever derived.sql makes of them is text again.

create table intake.participants (
    participant_id varchar not null,
    implementer_id varchar not null,
    municipality varchar not null,
    start_date date not null,
    end_date date,
    gender varchar not null,
    age_at_start integer not null,
    age_group varchar not null,
    labour_market_status varchar not null,
    long_term_unemployed boolean,
    education_isced integer,
    exit_status varchar,
    -- (v2) optional characteristics: null is "not asked or refused", never false
    disability boolean,
    third_country_national boolean,
    foreign_background boolean,
    minority boolean,
    homeless boolean,
    rural boolean
);

-- (v2) Follow-ups about six months after leaving. Only the results leave: no id is kept.
create table intake.followups (
    participant_id varchar not null,
    implementer_id varchar not null,
    date date not null,
    employed boolean not null,
    improved_situation boolean not null
);

create table intake.person_days (
    date date not null,
    implementer_id intake.implementer_id not null,
    municipality intake.municipality,
    day_type intake.day_type not null,
    days double not null
);

create table intake.spending (
    date date not null,
    implementer_id intake.implementer_id not null,
    cost_category intake.cost_category not null,
    amount_eur decimal(18, 2) not null,
    voucher_id varchar,
    description varchar
);
