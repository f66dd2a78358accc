-- Every payment claim with its period, for the implementers in scope: small (one row per period
-- and implementer), read whole and worked out in queries/claims.py.
select
    p.period_id,
    p.start_date,
    p.end_date,
    c.implementer_id,
    c.submitted_date,
    c.claimed_eur::double as claimed_eur,
    c.approved_eur::double as approved_eur,
    c.paid_date,
    c.paid_eur::double as paid_eur
from claims c
join payment_periods p on p.period_id = c.period_id and p.version = $version
order by p.start_date, c.implementer_id, c.submitted_date
