-- The implementers with entries, in the order participant_events.sql numbers them (from 0).
select implementer_id from scratch.implementer_numbers order by implementer_number
