-- The entries of people with one entry (most people), for queries/participant_counts.py to count:
-- such a person enters, and is counted as a woman (recorded as F), on the entry's start, and is
-- present from its start to its end (`end_day` null for an open entry), in the whole programme,
-- their region and their municipality alike. Numbered as participant_events.sql numbers them; days
-- as days since 1970-01-01. (Summed per municipality, region and day in DuckDB, these took two
-- hash groupings of millions of rows: counted in numpy, a few tenths of a second.)
select
    a.town_number,
    a.region_number,
    i.implementer_number as implementer,
    (e.start_date - date '1970-01-01')::integer as start_day,
    (e.end_date - date '1970-01-01')::integer as end_day,
    coalesce(e.gender = 'F', false) as woman
from entries e
join scratch.implementer_numbers i using (implementer_id)
join scratch.area_numbers a using (municipality)
where e.entries_of_person = 1
