-- Per part, implementer and day, over every entry (no as-of date): people entering for the first
-- time; people counted as women from then on (their first entry recorded as F); and spans of
-- presence starting and stopping, a person's overlapping or touching entries merged into one span
-- as participants_by_month.sql merges them. A part (`part_kind`, `part`) is the whole programme
-- ('', ''), one region ('region', name) or one municipality ('town', name), whose people are counted
-- by their entries there alone, as a region or municipality filter counts them. Read once per data
-- set by queries/participant_counts.py: summed up to any as-of date these give participants_summary
-- and participants_by_month for any scope but an area within an area, or a list of municipalities
-- someone has entries in two of.
-- Parts and implementers are numbers, each in its names' order (part_kind 0 the whole programme,
-- 1 a region by its region_number, 2 a municipality by its town_number; `implementer` numbers the
-- implementers with entries, as entry_implementers.sql lists them): grouped and sorted by numbers,
-- not text, this took 2.3 s instead of 3.9 s for 2.5 M entries. Every entry's municipality is one
-- of the plan's (validation sees to it), so the joins lose no one.
with

implementer_numbers as (
    select implementer_id, (dense_rank() over (order by implementer_id) - 1)::integer as implementer
    from (select distinct implementer_id from entries)
),

coded as (
    select e.person, e.entries_of_person, i.implementer, e.gender, e.start_date, e.end_date, a.town_number, a.region_number
    from entries e
    join implementer_numbers i using (implementer_id)
    join area_numbers a using (municipality)
),

parts as (
    select 0::utinyint as part_kind, 0 as part, person, entries_of_person, implementer, gender, start_date, end_date
    from coded
    union all
    select 1::utinyint, region_number, person, entries_of_person, implementer, gender, start_date, end_date
    from coded
    union all
    select 2::utinyint, town_number, person, entries_of_person, implementer, gender, start_date, end_date from coded
),

-- A person with one entry has one in any part: their events need no grouping by person (most
-- people). They are summed per municipality first, and each region and the whole programme sum
-- those sums: three copies of a million entries nationally were most of this query's time.
once as materialized (
    select
        town_number,
        region_number,
        implementer,
        day,
        sum(entered) as entered,
        sum(women) as women,
        sum(started) as started,
        sum(stopped) as stopped
    from (
        select town_number, region_number, implementer, start_date as day, 1 as entered,
            coalesce(gender = 'F', false)::int as women, 1 as started, 0 as stopped
        from coded
        where entries_of_person = 1
        union all
        select town_number, region_number, implementer, end_date, 0, 0, 0, 1
        from coded
        where entries_of_person = 1 and coalesce(end_date, date '9999-12-31') < date '9999-12-31'
    )
    group by all
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
    select 0::utinyint as part_kind, 0 as part, implementer, day, entered, women, started, stopped from once
    union all
    select 1::utinyint, region_number, implementer, day, entered, women, started, stopped from once
    union all
    select 2::utinyint, town_number, implementer, day, entered, women, started, stopped from once
    union all
    select part_kind, part, implementer, first_day, 1, 0, 0, 0 from firsts
    union all
    select part_kind, part, implementer, woman_day, 0, 1, 0, 0 from firsts where woman_day is not null
    union all
    select part_kind, part, implementer, start_date, 0, 0, 1, 0 from spans
    union all
    select part_kind, part, implementer, stop, 0, 0, 0, 1 from spans where stop < date '9999-12-31'
)

select
    part_kind,
    part,
    implementer,
    day::timestamp as day,  -- a timestamp reaches numpy as one, a date as objects
    sum(entered)::integer as entered,
    sum(women)::integer as women,
    sum(started)::integer as started,
    sum(stopped)::integer as stopped
from events
group by all  -- in no order: queries/participant_counts.py places each row by its numbers
