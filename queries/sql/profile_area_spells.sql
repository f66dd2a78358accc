-- The spells of profile_states (derived.sql) that a region or municipality filter reads, by kind,
-- with the number of the region and of the municipality whose filter reads each (-1 for none): read
-- once per data set.
select
    kind,
    coalesce(in_region, -1) as in_region,
    coalesce(in_town, -1) as in_town,
    from_day::timestamp as from_day,
    to_day::timestamp as to_day,
    print_a,
    print_b
from profile_states
where in_region is not null or in_town is not null
