# English dates as the agencies and the exchange read them everywhere: ISO order, 24-hour clock
# (an American month/day order misleads most of lers's readers). Chinese uses Django's own.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
