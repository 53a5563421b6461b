# Django's English formats, with the time zone's abbreviation wherever a time is shown: the
# admin and pages show times in the company's zone (tenancy.locale), so say which.
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
