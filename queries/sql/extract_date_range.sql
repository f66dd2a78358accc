-- The first and the latest date found anywhere in the extracts: the latest is the default as-of date.
select first_date, latest_date from extract_dates
