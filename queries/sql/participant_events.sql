-- The events of people with more than one entry, per part and implementer, over every entry (no
-- as-of date), one row each: a person entering for the first time (event 0); counted as a woman from
-- then on (1: their first entry recorded as F); and a span of presence starting (2) and stopping (3),
-- a person's overlapping or touching entries merged into one span as participants_by_month.sql
-- merges them. A part (`part_kind`, `part`) is the whole programme ('', ''), one region ('region',
-- name) or one municipality ('town', name), whose people are counted by their entries there alone,
-- as a region or municipality filter counts them. People with one entry have one in any part:
-- participant_single_entries.sql gives their entries. Read once per data set by
-- queries/participant_counts.py, which counts both: summed up to any as-of date they give
-- participants_summary and participants_by_month for any scope but an area within an area, or a
-- list of municipalities someone has entries in two of.
-- Parts and implementers are numbers, each in its names' order (part_kind 0 the whole programme,
-- 1 a region by its region_number, 2 a municipality by its town_number; `implementer` numbers the
-- implementers with entries, as entry_implementers.sql lists them); days are days since 1970-01-01.
-- Every entry's municipality is one of the plan's (validation sees to it), so the joins lose no one.
with

coded as (
    select e.person, i.implementer_number as implementer, e.gender, e.start_date, e.end_date, a.town_number, a.region_number
    from entries e
    join scratch.implementer_numbers i using (implementer_id)
    join scratch.area_numbers a using (municipality)
    where e.entries_of_person > 1
),

parts as (
    select 0::utinyint as part_kind, 0 as part, person, implementer, gender, start_date, end_date
    from coded
    union all
    select 1::utinyint, region_number, person, implementer, gender, start_date, end_date
    from coded
    union all
    select 2::utinyint, town_number, person, implementer, gender, start_date, end_date from coded
),

stays as (
    select
        part_kind,
        part,
        person,
        implementer,
        gender,
        start_date,
        coalesce(end_date, date '9999-12-31') as stop,
        count(*) over (partition by part_kind, part, person) as entries_here
    from parts
),

again as (
    select
        *,
        max(stop) over (
            partition by part_kind, part, person
            order by start_date, stop
            rows between unbounded preceding and 1 preceding
        ) as reach
    from stays
    where entries_here > 1
),

numbered as (
    select *, sum((reach is null or start_date > reach)::int) over (
        partition by part_kind, part, person order by start_date, stop rows unbounded preceding
    ) as span
    from again
),

spans as (
    select part_kind, part, implementer, start_date, stop from stays where entries_here = 1
    union all
    select part_kind, part, implementer, min(start_date), max(stop)
    from numbered
    group by part_kind, part, implementer, person, span
),

firsts as (
    select
        part_kind,
        part,
        implementer,
        min(start_date) as first_day,
        min(start_date) filter (where gender = 'F') as woman_day
    from stays
    group by part_kind, part, implementer, person
),

events as (
    select part_kind, part, implementer, first_day as day, 0 as event from firsts
    union all
    select part_kind, part, implementer, woman_day, 1 from firsts where woman_day is not null
    union all
    select part_kind, part, implementer, start_date, 2 from spans
    union all
    select part_kind, part, implementer, stop, 3 from spans where stop < date '9999-12-31'
)

-- one row per event, in no order: queries/participant_counts.py counts them by their numbers
select part_kind, part, implementer, (day - date '1970-01-01')::integer as day, event::utinyint as event
from events
