// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim chip logic: one SPI message is one or more CS-low frames; the
 * first byte of a frame selects an entry of the opcode table, which says
 * how many address and dummy bytes follow, what the chip drives during the
 * data phase, what it latches, and what it does when CS goes high.
 *
 * As on a real part, program, erase and register writes execute on the
 * rising edge of CS and only when it rises on a byte boundary right after
 * the last expected byte; while the chip is busy only the status registers
 * answer; MISO that the chip does not drive reads 0xFF (pulled up).
 *
 * WP# and HOLD# are wired to GPIO23 and GPIO24 of flashsim-gpio.c. HOLD# low
 * pauses the chip: it ignores the clock and leaves MISO high-impedance, so
 * the host reads the line's idle level. WP# low with SRP0/SRWD set (SRP1
 * clear) is hardware protection: status register writes are ignored. With
 * QE set (W25Q) both pins are IO2/IO3 and neither function applies.
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "flashsim.h"

enum fsim_addr {
	FSIM_ADDR_NONE,
	FSIM_ADDR_3,		/* always 3 bytes (SFDP, REMS) */
	FSIM_ADDR_4,		/* always 4 bytes (4-byte opcodes) */
	FSIM_ADDR_MODE,		/* 3 or 4 bytes by the address mode */
};

/**
 * struct fsim_op - what the chip does for one opcode
 * @name: mnemonic for the statistics
 * @needs: FSIM_F_* capability the part must have, 0 for every part
 * @addr: address bytes (enum fsim_addr)
 * @dummy: dummy bytes after the address
 * @mem: the address points into the array: the extended address register
 *	applies in 3-byte mode and it wraps at the chip size
 * @when_busy: answered while WIP is set
 * @when_down: answered in deep power-down
 * @exact: executes only when CS rises right after the header
 * @arg: erase size or register index
 * @out: drives MISO during the data phase
 * @in: latches MOSI during the data phase (tx NULL = zeros)
 * @end: runs when CS rises after a complete header
 */
struct fsim_op {
	const char *name;
	u32 needs;
	u8 addr;
	u8 dummy;
	bool mem;
	bool when_busy;
	bool when_down;
	bool exact;
	u32 arg;
	void (*out)(struct fsim *fs, struct fsim_frame *fr, u8 *rx, u32 len);
	void (*in)(struct fsim *fs, struct fsim_frame *fr, const u8 *tx,
		   u32 len);
	void (*end)(struct fsim *fs, struct fsim_frame *fr);
};

/**
 * fsim_nor_busy() - is the chip busy (WIP set)?
 * @fs: the simulator
 *
 * Return: true while an operation runs or when stuck_busy is on.
 */
bool fsim_nor_busy(const struct fsim *fs)
{
	return fs->faults.stuck_busy || ktime_before(ktime_get(), fs->ready_at);
}

/**
 * fsim_nor_sr1() - status register 1 as the chip reports it
 * @fs: the simulator
 *
 * WEL stays visible while an operation that cleared it still runs, as on
 * the real parts, where both bits drop together at the end.
 *
 * Return: the register value.
 */
u8 fsim_nor_sr1(const struct fsim *fs)
{
	u8 sr = fs->sr[0] & ~(FSIM_SR1_WIP | FSIM_SR1_WEL);

	if (fs->wel)
		sr |= FSIM_SR1_WEL;
	if (ktime_before(ktime_get(), fs->ready_at))
		sr |= FSIM_SR1_WIP | FSIM_SR1_WEL;
	if (fs->faults.stuck_busy)
		sr |= FSIM_SR1_WIP;
	return sr;
}

/* The operation just accepted keeps WIP set for its typical time. */
static void fsim_busy_for(struct fsim *fs, u64 us)
{
	if (fsim_param_timing() && us)
		fs->ready_at = ktime_add_us(ktime_get(), us);
}

static bool fsim_write_enabled(struct fsim *fs)
{
	if (fs->wel)
		return true;
	fs->stats.ignored_wel++;
	return false;
}

static bool fsim_may_modify(struct fsim *fs, u32 addr, u32 len)
{
	if (!fs->chip->before_modify || fs->chip->before_modify(fs, addr, len))
		return true;
	fs->stats.ignored_protected++;
	return false;
}

/* W25Q with QE set: WP# and HOLD# are data pins (quad I/O), not controls. */
static bool fsim_pins_are_io(const struct fsim *fs)
{
	return (fs->chip->caps & FSIM_F_SR23) && (fs->sr[1] & FSIM_SR2_QE);
}

/* HOLD# low (or, on W25Q256 with HOLD/RST set, RESET# low): deaf and mute. */
static bool fsim_held(const struct fsim *fs)
{
	return !fsim_pins_are_io(fs) && !fsim_gpio_pin(fs, FSIM_GPIO_HOLD);
}

/*
 * Hardware protected mode: SRP0 (SRWD) set and SRP1 clear while WP# is low.
 * The lock-down modes with SRP1 set are not modelled.
 */
static bool fsim_sr_hw_protected(struct fsim *fs)
{
	if (!(fs->sr[0] & FSIM_SR1_SRP0) || (fs->sr[1] & FSIM_SR2_SRP1) ||
	    fsim_pins_are_io(fs) || fsim_gpio_pin(fs, FSIM_GPIO_WP))
		return false;
	fs->stats.ignored_wp++;
	return true;
}

static void fsim_set_addr_mode(struct fsim *fs, bool addr4)
{
	fs->addr4 = addr4;
	if (fs->chip->addr_mode_changed)
		fs->chip->addr_mode_changed(fs);
}

/**
 * fsim_nor_power_on() - reset the volatile state as at power-up
 * @fs: the simulator
 *
 * The array and the non-volatile status bits are kept.
 */
void fsim_nor_power_on(struct fsim *fs)
{
	fs->wel = false;
	fs->ewsr = false;
	fs->ear = 0;
	fs->reset_armed = false;
	fs->powered_down = false;
	fs->ready_at = 0;
	fs->addr4 = false;
	if (fs->chip->power_on)
		fs->chip->power_on(fs);
	fsim_set_addr_mode(fs, fs->addr4);
}

/* One random bit flip per flip_rate bytes on average (gaps 1..2N-1). */
static void fsim_inject_flips(struct fsim *fs, u8 *rx, u32 len)
{
	u64 rate = fs->faults.flip_rate;
	u32 done = 0;

	if (!rate)
		return;
	if (!fs->flip_left)
		fs->flip_left = 1 + get_random_u32() % (2 * rate - 1);
	while (len - done >= fs->flip_left) {
		done += fs->flip_left;
		rx[done - 1] ^= BIT(get_random_u32() % 8);
		fs->stats.flips++;
		fs->flip_left = 1 + get_random_u32() % (2 * rate - 1);
	}
	fs->flip_left -= len - done;
}

static void fsim_out_mem(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			 u32 len)
{
	u32 size = fs->chip->size;
	u32 addr = (fr->addr + fr->data_len) & (size - 1);
	u32 done = 0;

	while (done < len) {
		u32 n = min(len - done, size - addr);

		memcpy(rx + done, fs->mem + addr, n);
		done += n;
		addr = 0;
	}
	fsim_inject_flips(fs, rx, len);
}

static void fsim_out_id(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			u32 len)
{
	const u8 *id = fs->faults.id_overridden ? fs->faults.id_override :
						   fs->chip->id;
	u32 i;

	/* The three ID bytes repeat while the clock runs. */
	for (i = 0; i < len; i++)
		rx[i] = id[(fr->data_len + i) % 3];
}

static void fsim_out_res(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			 u32 len)
{
	u32 i;

	/* Three dummy bytes, then the device id, repeated. */
	for (i = 0; i < len; i++)
		rx[i] = fr->data_len + i < 3 ? 0xff : fs->chip->res_id;
}

static void fsim_out_rems(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			  u32 len)
{
	u8 pair[2] = { fs->chip->id[0], fs->chip->res_id };
	u32 first = fr->addr & 1;
	u32 i;

	for (i = 0; i < len; i++)
		rx[i] = pair[(first + fr->data_len + i) & 1];
}

static void fsim_out_sr(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			u32 len)
{
	u8 v = fr->op->arg ? fs->sr[fr->op->arg] : fsim_nor_sr1(fs);

	memset(rx, v, len);
}

static void fsim_out_ear(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			 u32 len)
{
	memset(rx, fs->ear, len);
}

static void fsim_out_sfdp(struct fsim *fs, struct fsim_frame *fr, u8 *rx,
			  u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u32 a = fr->addr + fr->data_len + i;

		rx[i] = a < FSIM_SFDP_SIZE ? fs->sfdp[a] : 0xff;
	}
}

static void fsim_in_page(struct fsim *fs, struct fsim_frame *fr,
			 const u8 *tx, u32 len)
{
	u32 i;

	/* Past the end of the page the address wraps to its start. */
	for (i = 0; i < len; i++)
		fs->page[(fr->addr + fr->data_len + i) % FSIM_PAGE_SIZE] =
			tx ? tx[i] : 0;
}

static void fsim_in_reg(struct fsim *fs, struct fsim_frame *fr, const u8 *tx,
			u32 len)
{
	u32 i;

	for (i = 0; i < len && fr->data_len + i < sizeof(fr->wbuf); i++)
		fr->wbuf[fr->data_len + i] = tx ? tx[i] : 0;
}

static void fsim_end_wren(struct fsim *fs, struct fsim_frame *fr)
{
	fs->wel = true;
}

static void fsim_end_wrdi(struct fsim *fs, struct fsim_frame *fr)
{
	fs->wel = false;
	fs->ewsr = false;
}

static void fsim_end_ewsr(struct fsim *fs, struct fsim_frame *fr)
{
	fs->ewsr = true;
}

static void fsim_end_pp(struct fsim *fs, struct fsim_frame *fr)
{
	u32 base = fr->addr & ~(FSIM_PAGE_SIZE - 1);
	s64 stuck = fs->faults.stuck_addr;
	u32 i;

	if (!fr->data_len || !fsim_write_enabled(fs) ||
	    !fsim_may_modify(fs, base, FSIM_PAGE_SIZE))
		return;
	/* NOR programming can only clear bits. */
	for (i = 0; i < FSIM_PAGE_SIZE; i++)
		if (base + i != stuck)
			fs->mem[base + i] &= fs->page[i];
	fs->stats.bytes_in += min_t(u32, fr->data_len, FSIM_PAGE_SIZE);
	fs->wel = false;
	fsim_busy_for(fs, fs->chip->t.pp_us);
}

static u64 fsim_erase_us(const struct fsim_chip *chip, u32 size)
{
	switch (size) {
	case SZ_4K:
		return chip->t.se_us;
	case SZ_32K:
		return chip->t.be32_us;
	case SZ_64K:
		return chip->t.be64_us;
	}
	return (u64)chip->t.ce_ms * USEC_PER_MSEC;
}

static void fsim_erase(struct fsim *fs, u32 addr, u32 size)
{
	addr &= ~(size - 1);
	if (!fsim_write_enabled(fs) || !fsim_may_modify(fs, addr, size))
		return;
	if (!fs->faults.erase_fail)
		memset(fs->mem + addr, 0xff, size);
	fs->wel = false;
	fsim_busy_for(fs, fsim_erase_us(fs->chip, size));
}

static void fsim_end_erase(struct fsim *fs, struct fsim_frame *fr)
{
	fsim_erase(fs, fr->addr, fr->op->arg);
}

static void fsim_end_ce(struct fsim *fs, struct fsim_frame *fr)
{
	fsim_erase(fs, 0, fs->chip->size);
}

static void fsim_end_wrsr(struct fsim *fs, struct fsim_frame *fr)
{
	u32 first = fr->op->arg;
	/* 0x01 takes SR1 and, on parts with SR2, optionally SR2. */
	u32 max = first == 0 && (fs->chip->caps & FSIM_F_SR23) ? 2 : 1;
	bool volatile_write = fs->ewsr && !fs->wel;
	u32 i;

	if (!fr->data_len || fr->data_len > max)
		return;
	if (!fs->ewsr && !fsim_write_enabled(fs))
		return;
	if (fsim_sr_hw_protected(fs))
		return;
	for (i = 0; i < fr->data_len; i++) {
		u8 m = fs->chip->sr_wmask[first + i];
		u8 *r = &fs->sr[first + i];

		*r = (*r & ~m) | (fr->wbuf[i] & m);
	}
	fs->stats.bytes_in += fr->data_len;
	fs->wel = false;
	fs->ewsr = false;
	if (!volatile_write)
		fsim_busy_for(fs, fs->chip->t.wrsr_us);
}

static void fsim_end_en4b(struct fsim *fs, struct fsim_frame *fr)
{
	fsim_set_addr_mode(fs, true);
}

static void fsim_end_ex4b(struct fsim *fs, struct fsim_frame *fr)
{
	fsim_set_addr_mode(fs, false);
}

static void fsim_end_wrear(struct fsim *fs, struct fsim_frame *fr)
{
	if (fr->data_len != 1 || !fsim_write_enabled(fs))
		return;
	/* Only the address bits above A23 that the array has exist. */
	fs->ear = fr->wbuf[0] & ((fs->chip->size - 1) >> 24);
	fs->stats.bytes_in++;
	fs->wel = false;
}

static void fsim_end_rst(struct fsim *fs, struct fsim_frame *fr)
{
	if (fs->reset_armed)
		fsim_nor_power_on(fs);
}

static void fsim_end_dp(struct fsim *fs, struct fsim_frame *fr)
{
	fs->powered_down = true;
}

static void fsim_end_res(struct fsim *fs, struct fsim_frame *fr)
{
	fs->powered_down = false;
}

#define FSIM_READ_OP(_name, _needs, _addr, _dummy)			\
	{ .name = _name, .needs = _needs, .addr = _addr,		\
	  .dummy = _dummy, .mem = true, .out = fsim_out_mem }
#define FSIM_ERASE_OP(_name, _needs, _addr, _size)			\
	{ .name = _name, .needs = _needs, .addr = _addr, .mem = true,	\
	  .exact = true, .arg = _size, .end = fsim_end_erase }
#define FSIM_CMD_OP(_name, _needs, _end)				\
	{ .name = _name, .needs = _needs, .exact = true, .end = _end }
#define FSIM_RDSR_OP(_name, _needs, _reg)				\
	{ .name = _name, .needs = _needs, .when_busy = true,		\
	  .arg = _reg, .out = fsim_out_sr }
#define FSIM_WRSR_OP(_name, _needs, _reg)				\
	{ .name = _name, .needs = _needs, .arg = _reg,			\
	  .in = fsim_in_reg, .end = fsim_end_wrsr }

static const struct fsim_op fsim_ops[256] = {
	[0x9f] = { .name = "RDID", .out = fsim_out_id },
	[0xab] = { .name = "RES", .when_down = true, .out = fsim_out_res,
		   .end = fsim_end_res },
	[0x90] = { .name = "REMS", .addr = FSIM_ADDR_3, .out = fsim_out_rems },
	[0x5a] = { .name = "RDSFDP", .needs = FSIM_F_SFDP,
		   .addr = FSIM_ADDR_3, .dummy = 1, .out = fsim_out_sfdp },
	[0x03] = FSIM_READ_OP("READ", 0, FSIM_ADDR_MODE, 0),
	[0x0b] = FSIM_READ_OP("FAST_READ", 0, FSIM_ADDR_MODE, 1),
	[0x13] = FSIM_READ_OP("READ4", FSIM_F_4B_READ, FSIM_ADDR_4, 0),
	[0x0c] = FSIM_READ_OP("FAST_READ4", FSIM_F_4B_READ, FSIM_ADDR_4, 1),
	[0x06] = FSIM_CMD_OP("WREN", 0, fsim_end_wren),
	[0x04] = FSIM_CMD_OP("WRDI", 0, fsim_end_wrdi),
	[0x50] = FSIM_CMD_OP("EWSR", FSIM_F_EWSR, fsim_end_ewsr),
	[0x05] = FSIM_RDSR_OP("RDSR1", 0, 0),
	[0x35] = FSIM_RDSR_OP("RDSR2", FSIM_F_SR23, 1),
	[0x15] = FSIM_RDSR_OP("RDSR3", FSIM_F_SR23, 2),
	[0x01] = FSIM_WRSR_OP("WRSR1", 0, 0),
	[0x31] = FSIM_WRSR_OP("WRSR2", FSIM_F_SR23, 1),
	[0x11] = FSIM_WRSR_OP("WRSR3", FSIM_F_SR23, 2),
	[0x02] = { .name = "PP", .addr = FSIM_ADDR_MODE, .mem = true,
		   .in = fsim_in_page, .end = fsim_end_pp },
	[0x12] = { .name = "PP4", .needs = FSIM_F_4B_WRITE,
		   .addr = FSIM_ADDR_4, .mem = true, .in = fsim_in_page,
		   .end = fsim_end_pp },
	[0x20] = FSIM_ERASE_OP("SE", 0, FSIM_ADDR_MODE, SZ_4K),
	[0x21] = FSIM_ERASE_OP("SE4", FSIM_F_4B_WRITE, FSIM_ADDR_4, SZ_4K),
	[0x52] = FSIM_ERASE_OP("BE32", FSIM_F_BE32, FSIM_ADDR_MODE, SZ_32K),
	[0xd8] = FSIM_ERASE_OP("BE64", 0, FSIM_ADDR_MODE, SZ_64K),
	[0xdc] = FSIM_ERASE_OP("BE64_4", FSIM_F_4B_WRITE, FSIM_ADDR_4, SZ_64K),
	[0xc7] = FSIM_CMD_OP("CE", 0, fsim_end_ce),
	[0x60] = FSIM_CMD_OP("CE60", 0, fsim_end_ce),
	[0xb7] = FSIM_CMD_OP("EN4B", FSIM_F_4B_MODE, fsim_end_en4b),
	[0xe9] = FSIM_CMD_OP("EX4B", FSIM_F_4B_MODE, fsim_end_ex4b),
	[0xc5] = { .name = "WREAR", .needs = FSIM_F_4B_MODE,
		   .in = fsim_in_reg, .end = fsim_end_wrear },
	[0xc8] = { .name = "RDEAR", .needs = FSIM_F_4B_MODE,
		   .out = fsim_out_ear },
	[0x66] = FSIM_CMD_OP("RSTEN", FSIM_F_RESET, NULL),
	[0x99] = FSIM_CMD_OP("RST", FSIM_F_RESET, fsim_end_rst),
	[0xb9] = FSIM_CMD_OP("DP", 0, fsim_end_dp),
};

/**
 * fsim_nor_opname() - mnemonic of an opcode
 * @opcode: first byte of a frame
 *
 * Return: the name, or NULL for an opcode no model decodes.
 */
const char *fsim_nor_opname(u8 opcode)
{
	return fsim_ops[opcode].name;
}

/* MISO when the chip does not drive it: the clip's pull-up, or a short. */
static u8 fsim_idle(const struct fsim *fs)
{
	return fs->faults.absent == 2 ? 0x00 : 0xff;
}

static void fsim_decode(struct fsim *fs, struct fsim_frame *fr, u8 opcode)
{
	const struct fsim_op *op = &fsim_ops[opcode];

	fr->opcode = opcode;
	fs->stats.ops[opcode]++;
	if (fs->faults.absent || !op->name ||
	    (op->needs & fs->chip->caps) != op->needs) {
		fr->ignored = true;
		return;
	}
	if ((fs->powered_down && !op->when_down) ||
	    (!op->when_busy && fsim_nor_busy(fs))) {
		fs->stats.ignored_busy++;
		fr->ignored = true;
		return;
	}
	fr->op = op;
	switch (op->addr) {
	case FSIM_ADDR_NONE:
		fr->addr_len = 0;
		break;
	case FSIM_ADDR_3:
		fr->addr_len = 3;
		break;
	case FSIM_ADDR_4:
		fr->addr_len = 4;
		break;
	case FSIM_ADDR_MODE:
		fr->addr_len = fs->addr4 ? 4 : 3;
		break;
	}
	fr->hdr_len = 1 + fr->addr_len + op->dummy;
	if (op->in == fsim_in_page)
		memset(fs->page, 0xff, sizeof(fs->page));
}

static void fsim_latch_addr(struct fsim *fs, struct fsim_frame *fr)
{
	u32 a = 0;
	u32 i;

	for (i = 0; i < fr->addr_len; i++)
		a = (a << 8) | fr->hdr[i];
	if (fr->op->mem) {
		if (fr->addr_len == 3)
			a |= (u32)fs->ear << 24;
		a &= fs->chip->size - 1;
	}
	fr->addr = a;
}

/* Clock len bytes through the chip: tx may be NULL (zeros), rx NULL (dropped). */
static void fsim_clock(struct fsim *fs, const u8 *tx, u8 *rx, u32 len)
{
	struct fsim_frame *fr = &fs->fr;
	u8 idle = fsim_idle(fs);

	fs->stats.clocked += len;
	if (fsim_held(fs)) {
		fs->stats.held += len;
		if (rx)
			memset(rx, idle, len);
		return;
	}
	while (len) {
		u32 n;

		if (!fr->pos || fr->pos < fr->hdr_len) {
			u8 b = tx ? *tx : 0;

			if (!fr->pos)
				fsim_decode(fs, fr, b);
			else if (fr->pos <= fr->addr_len)
				fr->hdr[fr->pos - 1] = b;
			if (fr->op && fr->addr_len && fr->pos == fr->addr_len)
				fsim_latch_addr(fs, fr);
			if (rx)
				*rx++ = idle;
			if (tx)
				tx++;
			fr->pos++;
			len--;
			continue;
		}
		n = len;
		if (rx) {
			if (!fr->ignored && fr->op && fr->op->out) {
				fr->op->out(fs, fr, rx, n);
				fs->stats.bytes_out += n;
			} else {
				memset(rx, idle, n);
			}
			rx += n;
		}
		if (!fr->ignored && fr->op && fr->op->in)
			fr->op->in(fs, fr, tx, n);
		if (tx)
			tx += n;
		fr->data_len += n;
		fr->pos += n;
		len -= n;
	}
}

static void fsim_frame_begin(struct fsim *fs)
{
	memset(&fs->fr, 0, sizeof(fs->fr));
	fs->frame_open = true;
}

/* CS rises: commands latched in this frame execute now. */
static void fsim_frame_end(struct fsim *fs)
{
	struct fsim_frame *fr = &fs->fr;
	const struct fsim_op *op = fr->op;
	bool armed = false;

	fs->frame_open = false;
	if (!fr->pos)
		return;
	fs->stats.frames++;
	if (op && !fr->ignored && fr->pos >= fr->hdr_len &&
	    !(op->exact && fr->data_len)) {
		if (op->end)
			op->end(fs, fr);
		armed = fr->opcode == 0x66;
	}
	fs->reset_armed = armed;
}

static u64 fsim_xfer_ns(const struct spi_transfer *xfer, unsigned int clock)
{
	unsigned int hz = clock;

	if (xfer->speed_hz && xfer->speed_hz < hz)
		hz = xfer->speed_hz;
	return DIV_ROUND_UP_ULL((u64)xfer->len * 8 * NSEC_PER_SEC, hz);
}

/* Sleep until the modelled bus time of a message has passed. */
static void fsim_wait_until(ktime_t deadline)
{
	ktime_t now = ktime_get();
	s64 left = ktime_to_ns(ktime_sub(deadline, now));

	if (left <= 0)
		return;
	if (left < 10 * NSEC_PER_USEC) {
		ndelay(left);
		return;
	}
	set_current_state(TASK_UNINTERRUPTIBLE);
	schedule_hrtimeout_range(&deadline, 2 * NSEC_PER_USEC,
				 HRTIMER_MODE_ABS);
}

/**
 * fsim_nor_transfer() - run one SPI message through the chip
 * @fs: the simulator
 * @msg: the message; CS is low from its first transfer to its last, rises
 *	between transfers with cs_change, and stays low after the message
 *	when the last transfer has cs_change
 *
 * Fills the rx buffers, sets @msg->actual_length and, with clock_hz set,
 * returns no earlier than the bus would have taken.
 *
 * Return: 0 on success, -ESHUTDOWN once the controller is being removed.
 */
int fsim_nor_transfer(struct fsim *fs, struct spi_message *msg)
{
	unsigned int clock = fsim_param_clock_hz();
	ktime_t start = ktime_get();
	struct spi_transfer *xfer;
	u64 ns = 0;

	mutex_lock(&fs->lock);
	if (fs->gone) {
		mutex_unlock(&fs->lock);
		return -ESHUTDOWN;
	}
	list_for_each_entry(xfer, &msg->transfers, transfer_list) {
		bool last = list_is_last(&xfer->transfer_list, &msg->transfers);

		if (!fs->frame_open)
			fsim_frame_begin(fs);
		fsim_clock(fs, xfer->tx_buf, xfer->rx_buf, xfer->len);
		msg->actual_length += xfer->len;
		if (clock)
			ns += fsim_xfer_ns(xfer, clock);
		if (last ? !xfer->cs_change : xfer->cs_change)
			fsim_frame_end(fs);
	}
	fs->stats.bus_ns += ns;
	mutex_unlock(&fs->lock);
	if (ns)
		fsim_wait_until(ktime_add_ns(start, ns));
	return 0;
}
