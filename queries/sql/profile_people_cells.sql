-- What each people cell of profile_states (derived.sql) stands for, in cell order.
select * exclude (implementer_number, kind_code) from scratch.profile_people_labels order by people_cell
