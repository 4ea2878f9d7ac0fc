# bench/flash: full-chip read through /dev/mtdN vs flashrom vs the clock limit (VM).
BENCHES += bench/flash/run.sh
