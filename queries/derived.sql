-- Tables derived from the extracts once, when a data set has been loaded, so that a page's questions
-- read thousands of rows instead of millions (a national programme has ten million bookings). The
-- store never changes after loading, so they cannot go stale. Every question "up to as_of" reads
-- whole months from a monthly table and only the days of as_of's own month from a daily one; the
-- daily tables are stored in day order, so DuckDB skips the row groups of every other month.

create table spending_daily as
    select implementer_id, date as day, cost_category, sum(amount_eur) as amount_eur
    from spending
    group by all
    order by day, implementer_id, cost_category;

create table spending_monthly as
    select implementer_id, date_trunc('month', day)::date as day, cost_category, sum(amount_eur) as amount_eur
    from spending_daily
    group by all
    order by day, implementer_id, cost_category;

-- Bookings up to and including as_of: `day` is the booking day, or the first of the month for a
-- whole month booked before as_of's month. Good for sums by implementer, category, month or year.
create macro spending_to(as_of) as table
    select * from spending_monthly where day < date_trunc('month', as_of)::date
    union all
    select * from spending_daily where day >= date_trunc('month', as_of)::date and day <= as_of;

-- Corrections after which their category's running total, in booking order, is below zero. A
-- booking's running total depends only on the bookings before it in its implementer's category, so
-- it is the same whatever the as-of date or the filters: worked out once here.
create table overdrawn_bookings as
    with ordered as (
        select
            date,
            implementer_id,
            cost_category,
            amount_eur::double as amount_eur,
            voucher_id,
            sum(amount_eur) over (
                partition by implementer_id, cost_category
                order by date, amount_eur desc
                rows between unbounded preceding and current row
            )::double as running_eur
        from spending
    )
    select * from ordered where amount_eur < 0 and running_eur < 0
    order by date, implementer_id;

create table person_days_daily as
    select implementer_id, municipality, date as day, day_type, sum(days) as days
    from person_days
    group by all
    order by day, implementer_id, municipality, day_type;

create table person_days_monthly as
    select implementer_id, municipality, date_trunc('month', day)::date as day, day_type, sum(days) as days
    from person_days_daily
    group by all
    order by day, implementer_id, municipality, day_type;

-- Person-days up to and including as_of, as whole months plus the days of as_of's month.
create macro person_days_to(as_of) as table
    select * from person_days_monthly where day < date_trunc('month', as_of)::date
    union all
    select * from person_days_daily where day >= date_trunc('month', as_of)::date and day <= as_of;

-- Participant entries without the participant id: `person` numbers each (implementer_id,
-- participant_id) and `entries_of_person` says how many entries that person has. Most people enter
-- once; only the others need the work of counting a person once (see participant_profile.sql).
create table entries as
    select
        dense_rank() over (order by implementer_id, participant_id) as person,
        count(*) over (partition by implementer_id, participant_id) as entries_of_person,
        * exclude (participant_id)
    from participants
    order by start_date, implementer_id;

-- Every (implementer, municipality, day type) with person-days, numbered in that order (rows without
-- a municipality first within theirs): the rows of the running sums in queries/person_days.py.
create table person_days_keys as
    select
        (row_number() over (order by implementer_id, day_type, municipality nulls first) - 1)::integer as key,
        implementer_id,
        municipality,
        day_type
    from (select distinct implementer_id, municipality, day_type from person_days_daily)
    order by key;
