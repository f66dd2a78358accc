-- The spells of profile_states (derived.sql) of every person by people cell: read once per data set.
select people_cell, from_day::timestamp as from_day, to_day::timestamp as to_day, print_a, print_b
from profile_states
where of_person
order by people_cell, from_day
