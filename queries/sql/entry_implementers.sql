-- The implementers with entries, in the order participant_events.sql numbers them (from 0).
select distinct implementer_id from entries order by implementer_id
