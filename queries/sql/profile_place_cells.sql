-- What each place cell of profile_states (derived.sql) stands for, in cell order.
select distinct place_cell, implementer_id, municipality, region, gender, age_group
from profile_states
order by place_cell
