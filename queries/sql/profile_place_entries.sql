-- Each person's place cell and the day they first entered (profile_states in derived.sql): read once.
select any_value(place_cell) as place_cell, min(from_day)::timestamp as day, any_value(print_a) as print_a,
    any_value(print_b) as print_b
from profile_states
where of_person
group by person
order by place_cell, day
