"""Platform adapters: each has an inbound half (events -> Request) and an outbound half (Delivery -> platform)."""
