"""Platform channels: each turns platform requests into Messages and Replies into platform answers."""
