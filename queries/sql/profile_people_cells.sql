-- What each people cell of profile_states (derived.sql) stands for, in cell order.
select * from profile_people_labels order by people_cell
