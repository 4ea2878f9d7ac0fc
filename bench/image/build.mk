# bench/image/: `mectl clean -S` of an 8 MiB full image, wall time and peak RSS beside
# the previous run's figures (make bench).
$(B)/bench/image-measure: bench/image/measure.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

BENCHES += bench/image/run.sh
bench: $(B)/bench/image-measure
