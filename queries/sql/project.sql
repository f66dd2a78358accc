select name, start_date, end_date, flat_rate, suppression_threshold, language, claim_window_months, programme, cost_model
from project
