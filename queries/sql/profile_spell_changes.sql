-- One edge of the spells of profile_states (derived.sql), by cell, in cell and day order: the days
-- they start ($edge = 'start') or end ('end'; a spell that lasts has none), with the person's
-- fingerprints. $cells names the family: every person by people cell ('people') or by kind
-- ('kind'), or the units a region or municipality filter reads ('region', 'town'), whose cell is
-- the area's number × $kinds + the kind. Days as days since 1970-01-01. Read once per data set by
-- queries/profile.py, which sorts nothing.
with spells as (
    select
        case $cells
            when 'people' then people_cell::bigint
            when 'kind' then kind::bigint
            when 'region' then in_region::bigint * $kinds + kind
            else in_town::bigint * $kinds + kind
        end as cell,
        case $edge when 'start' then from_day else to_day end as day,
        print_a,
        print_b
    from scratch.profile_states
    where case $cells
        when 'region' then in_region is not null
        when 'town' then in_town is not null
        else of_person
    end
)
select cell, (day - date '1970-01-01')::integer as day, print_a, print_b
from spells
where day is not null
order by cell, day
