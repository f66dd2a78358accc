-- Per part, implementer and day, over every entry (no as-of date): people entering for the first
-- time; people counted as women from then on (their first entry recorded as F); and spans of
-- presence starting and stopping, a person's overlapping or touching entries merged into one span
-- as participants_by_month.sql merges them. A part (`part_kind`, `part`) is the whole programme
-- ('', ''), one region ('region', name) or one municipality ('town', name), whose people are counted
-- by their entries there alone, as a region or municipality filter counts them. Read once per data
-- set by queries/participant_counts.py: summed up to any as-of date these give participants_summary
-- and participants_by_month for any scope but an area within an area, or a list of municipalities
-- someone has entries in two of.
with

regions as (
    select distinct municipality, region from municipalities
),

parts as (
    select '' as part_kind, '' as part, person, entries_of_person, implementer_id, gender, start_date, end_date
    from entries
    union all
    select 'region', r.region, e.person, e.entries_of_person, e.implementer_id, e.gender, e.start_date, e.end_date
    from entries e
    join regions r using (municipality)
    union all
    select 'town', municipality, person, entries_of_person, implementer_id, gender, start_date, end_date from entries
),

-- A person with one entry has one in any part: their events need no grouping (most people, and
-- three copies of a million entries nationally).
once as (
    select part_kind, part, implementer_id, gender, start_date, coalesce(end_date, date '9999-12-31') as stop
    from parts
    where entries_of_person = 1
),

stays as (
    select
        part_kind,
        part,
        person,
        implementer_id,
        gender,
        start_date,
        coalesce(end_date, date '9999-12-31') as stop,
        count(*) over (partition by part_kind, part, person) as entries_here
    from parts
    where entries_of_person > 1
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
    select part_kind, part, implementer_id, start_date, stop from stays where entries_here = 1
    union all
    select part_kind, part, implementer_id, min(start_date), max(stop)
    from numbered
    group by part_kind, part, implementer_id, person, span
),

firsts as (
    select
        part_kind,
        part,
        implementer_id,
        min(start_date) as first_day,
        min(start_date) filter (where gender = 'F') as woman_day
    from stays
    group by part_kind, part, implementer_id, person
),

events as (
    select part_kind, part, implementer_id, start_date as day, 1 as entered, coalesce(gender = 'F', false)::int as women,
        1 as started, 0 as stopped
    from once
    union all
    select part_kind, part, implementer_id, stop, 0, 0, 0, 1 from once where stop < date '9999-12-31'
    union all
    select part_kind, part, implementer_id, first_day, 1, 0, 0, 0 from firsts
    union all
    select part_kind, part, implementer_id, woman_day, 0, 1, 0, 0 from firsts where woman_day is not null
    union all
    select part_kind, part, implementer_id, start_date, 0, 0, 1, 0 from spans
    union all
    select part_kind, part, implementer_id, stop, 0, 0, 0, 1 from spans where stop < date '9999-12-31'
)

select
    part_kind,
    part,
    implementer_id,
    day::timestamp as day,  -- a timestamp reaches numpy as one, a date as objects
    sum(entered)::integer as entered,
    sum(women)::integer as women,
    sum(started)::integer as started,
    sum(stopped)::integer as stopped
from events
group by all
order by part_kind, part, implementer_id, day
