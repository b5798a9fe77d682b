"""Export and import of one workspace's OKRs as a JSON document (`okrbot export` / `okrbot import`)."""
