-- Per part, implementer and day, over every entry (no as-of date): people entering for the first
-- time; people counted as women from then on (their first entry recorded as F); and spans of
-- presence starting and stopping, a person's overlapping or touching entries merged into one span
-- as participants_by_month.sql merges them. A part is the whole programme ('') or one region,
-- whose people are counted by their entries in that region alone, as a region filter counts them.
-- Read once per data set by queries/participant_counts.py: summed up to any as-of date these give
-- participants_summary and participants_by_month for any scope but a list of municipalities.
with

regions as (
    select distinct municipality, region from municipalities
),

parts as (
    select '' as part, person, implementer_id, gender, start_date, end_date from entries
    union all
    select r.region, e.person, e.implementer_id, e.gender, e.start_date, e.end_date
    from entries e
    join regions r using (municipality)
),

stays as (
    select
        part,
        person,
        implementer_id,
        gender,
        start_date,
        coalesce(end_date, date '9999-12-31') as stop,
        count(*) over (partition by part, person) as entries_of_person
    from parts
),

again as (
    select
        *,
        max(stop) over (
            partition by part, person order by start_date, stop rows between unbounded preceding and 1 preceding
        ) as reach
    from stays
    where entries_of_person > 1
),

numbered as (
    select *, sum((reach is null or start_date > reach)::int) over (
        partition by part, person order by start_date, stop rows unbounded preceding
    ) as span
    from again
),

spans as (
    select part, implementer_id, start_date, stop from stays where entries_of_person = 1
    union all
    select part, implementer_id, min(start_date), max(stop) from numbered group by part, implementer_id, person, span
),

firsts as (
    select
        part,
        implementer_id,
        min(start_date) as first_day,
        min(start_date) filter (where gender = 'F') as woman_day
    from stays
    group by part, implementer_id, person
),

events as (
    select part, implementer_id, first_day as day, 1 as entered, 0 as women, 0 as started, 0 as stopped from firsts
    union all
    select part, implementer_id, woman_day, 0, 1, 0, 0 from firsts where woman_day is not null
    union all
    select part, implementer_id, start_date, 0, 0, 1, 0 from spans
    union all
    select part, implementer_id, stop, 0, 0, 0, 1 from spans where stop < date '9999-12-31'
)

select
    part,
    implementer_id,
    day::timestamp as day,  -- a timestamp reaches numpy as one, a date as objects
    sum(entered)::integer as entered,
    sum(women)::integer as women,
    sum(started)::integer as started,
    sum(stopped)::integer as stopped
from events
group by all
order by part, implementer_id, day
