"""The flows: pure functions from (session, intent or result, moment) to an `Transition`."""
