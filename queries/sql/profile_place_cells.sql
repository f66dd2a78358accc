-- What each place cell of profile_states (derived.sql) stands for, in cell order.
select place_cell, implementer_id, municipality, region, gender, age_group from scratch.profile_place_labels order by place_cell
