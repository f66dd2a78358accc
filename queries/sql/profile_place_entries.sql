-- Each unit's place cell and the day it first entered (profile_states in derived.sql), in cell and
-- day order, with the person's fingerprints: every person ($area = 'whole'), or the units a region
-- ('region') or municipality ('town') filter reads. Days as days since 1970-01-01. Read once.
select
    any_value(place_cell) as cell,
    (min(from_day) - date '1970-01-01')::integer as day,
    any_value(print_a) as print_a,
    any_value(print_b) as print_b
from profile_states
where case $area
    when 'region' then in_region is not null
    when 'town' then in_town is not null
    else of_person
end
group by person, case $area when 'region' then in_region when 'town' then in_town end
order by cell, day
