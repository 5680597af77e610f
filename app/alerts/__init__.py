"""Alerts: what people follow (subscriptions), what they are told (notifications), and the
reverse knock-on job that turns the matcher around when a win lands."""
