-- Each unit's place cell and the day it first entered, for the units a region or municipality filter
-- reads (profile_states in derived.sql), with the number of the region and of the municipality whose
-- filter reads each (-1 for none): read once per data set.
select
    any_value(place_cell) as place_cell,
    min(from_day)::timestamp as day,
    any_value(print_a) as print_a,
    any_value(print_b) as print_b,
    coalesce(in_region, -1) as in_region,
    coalesce(in_town, -1) as in_town
from profile_states
where in_region is not null or in_town is not null
group by person, in_region, in_town
