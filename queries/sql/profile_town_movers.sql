-- The municipalities (by number) of each person with entries in more than one: read once per data
-- set. In profile_states (derived.sql) such a person's own rows are read by no municipality filter.
select distinct person, in_town as town_number
from scratch.profile_states
where in_town is not null
  and person in (select person from scratch.profile_states where of_person and in_town is null)
