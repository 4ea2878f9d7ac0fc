/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flashsim: a virtual SPI controller with a SPI NOR flash chip on CS0.
 *
 * The chip model is split by concern:
 *   flashsim-spi.c     platform driver, SPI controller, module parameters
 *   flashsim-nor.c     the chip: CS frames, opcode table, busy/timing model
 *   flashsim-chips.c   the chip models (const table) and their quirk hooks
 *   flashsim-sfdp.c    JESD216 SFDP tables built from a chip model
 *   flashsim-debugfs.c backing store, statistics, fault knobs
 *   flashsim-gpio.c    the Pi header's GPIOs, two wired to WP# and HOLD#
 * See flashsim.rst for the user interface.
 */
#ifndef FLASHSIM_H
#define FLASHSIM_H

#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct dentry;
struct device;
struct fsim_gpio;
struct spi_controller;
struct spi_message;

#define FSIM_PAGE_SIZE		256
#define FSIM_SFDP_SIZE		256
#define FSIM_MAX_SIZE		(32U << 20)

/* Status register 1 bits common to every modelled part. */
#define FSIM_SR1_WIP		BIT(0)
#define FSIM_SR1_WEL		BIT(1)
/* SRP0 (W25Q) / SRWD (MX25L): with WP# low, status writes are ignored. */
#define FSIM_SR1_SRP0		BIT(7)
/* W25Q status register 2: SRP1 (with SRP0: lock modes), QE (WP#/HOLD# are IO2/IO3). */
#define FSIM_SR2_SRP1		BIT(0)
#define FSIM_SR2_QE		BIT(1)

/* The Pi header's GPIOs (flashsim-gpio.c) and the two clipped to the chip. */
#define FSIM_GPIO_LINES		28
#define FSIM_GPIO_WP		23	/* GPIO23, header pin 16 -> WP# */
#define FSIM_GPIO_HOLD		24	/* GPIO24, header pin 18 -> HOLD# */

/* Capabilities: which optional opcodes a part decodes. */
#define FSIM_F_SR23		BIT(0)	/* 0x35/0x15 RDSR2/3, 0x31/0x11, 2-byte 0x01 */
#define FSIM_F_BE32		BIT(1)	/* 0x52 32 KiB block erase */
#define FSIM_F_4B_MODE		BIT(2)	/* 0xB7/0xE9 EN4B/EX4B, 0xC5/0xC8 EAR */
#define FSIM_F_4B_READ		BIT(3)	/* 0x13/0x0C read with 4-byte address */
#define FSIM_F_4B_WRITE		BIT(4)	/* 0x12/0x21/0xDC with 4-byte address */
#define FSIM_F_SFDP		BIT(5)	/* 0x5A read SFDP */
#define FSIM_F_RESET		BIT(6)	/* 0x66/0x99 software reset */
#define FSIM_F_EWSR		BIT(7)	/* 0x50 volatile status register write enable */

/**
 * struct fsim_timing - datasheet-typical busy times of a part
 * @pp_us: page program (tPP)
 * @wrsr_us: status register write (tW)
 * @se_us: 4 KiB sector erase (tSE)
 * @be32_us: 32 KiB block erase (tBE1)
 * @be64_us: 64 KiB block erase (tBE2)
 * @ce_ms: chip erase (tCE)
 */
struct fsim_timing {
	u32 pp_us;
	u32 wrsr_us;
	u32 se_us;
	u32 be32_us;
	u32 be64_us;
	u32 ce_ms;
};

struct fsim;

/**
 * struct fsim_chip - one chip model
 * @name: value of the chip= parameter
 * @id: RDID (0x9F) bytes: manufacturer, memory type, capacity
 * @res_id: device id answered to RES (0xAB) and REMS (0x90)
 * @size: capacity in bytes (a power of two)
 * @caps: FSIM_F_* optional opcodes
 * @sfdp_minor: JESD216 minor revision of the SFDP/BFPT (with FSIM_F_SFDP)
 * @sr_default: status registers 1..3 at first power-up
 * @sr_wmask: bits of status registers 1..3 that WRSR may change
 * @t: typical busy times
 * @power_on: runs at power-up and software reset, after the volatile
 *	state has been cleared; sets the part's power-up addressing mode
 * @addr_mode_changed: runs after EN4B/EX4B/reset changed the address mode
 * @before_modify: runs before every program and erase; returns false when
 *	[addr, addr + len) touches a block protected by the status registers,
 *	which makes the chip ignore the command
 */
struct fsim_chip {
	const char *name;
	u8 id[3];
	u8 res_id;
	u32 size;
	u32 caps;
	u8 sfdp_minor;
	u8 sr_default[3];
	u8 sr_wmask[3];
	struct fsim_timing t;
	void (*power_on)(struct fsim *fs);
	void (*addr_mode_changed)(struct fsim *fs);
	bool (*before_modify)(const struct fsim *fs, u32 addr, u32 len);
};

/**
 * struct fsim_faults - fault injection knobs (debugfs, see flashsim.rst)
 * @flip_rate: one random bit flip per this many bytes read, 0 = off
 * @stuck_addr: byte address where programs do not stick, -1 = off
 * @erase_fail: erases run (busy, WEL cleared) but leave the data
 * @stuck_busy: WIP never clears: the chip answers only status reads
 * @absent: 0 present, 1 MISO pulled up (all 0xFF), 2 pulled down (all 0x00)
 * @wp_floats_low: WP# reads low while GPIO23 does not drive it
 * @hold_floats_low: HOLD# reads low while GPIO24 does not drive it
 * @id_override: RDID answers these bytes instead of the model's
 * @id_overridden: @id_override is in effect
 */
struct fsim_faults {
	s64 flip_rate;
	s64 stuck_addr;
	s64 erase_fail;
	s64 stuck_busy;
	s64 absent;
	s64 wp_floats_low;
	s64 hold_floats_low;
	u8 id_override[3];
	bool id_overridden;
};

/**
 * struct fsim_stats - counters shown in debugfs "stats"
 * @frames: CS-low frames seen
 * @clocked: bytes clocked on the bus (every phase)
 * @bytes_in: data bytes the chip accepted (program, register writes)
 * @bytes_out: data bytes the chip drove (reads, ids, registers, SFDP)
 * @bus_ns: modelled bus time (clock_hz) in nanoseconds
 * @ignored_busy: commands dropped because the chip was busy
 * @ignored_wel: program/erase/register writes dropped for lack of WEL
 * @ignored_protected: program/erase dropped by block protection
 * @ignored_wp: status register writes dropped by WP# low with SRP0/SRWD
 * @held: bytes clocked while HOLD# was low (the chip saw none of them)
 * @flips: bit flips injected
 * @ops: frames per opcode
 */
struct fsim_stats {
	u64 frames;
	u64 clocked;
	u64 bytes_in;
	u64 bytes_out;
	u64 bus_ns;
	u64 ignored_busy;
	u64 ignored_wel;
	u64 ignored_protected;
	u64 ignored_wp;
	u64 held;
	u64 flips;
	u64 ops[256];
};

struct fsim_op;

/**
 * struct fsim_frame - decoder state of the current CS-low frame
 * @op: decoded opcode, NULL for an undecoded one
 * @opcode: first byte of the frame
 * @pos: bytes clocked since CS went low
 * @hdr_len: opcode + address + dummy bytes
 * @addr_len: address bytes of this command
 * @hdr: address bytes as received
 * @addr: decoded address (with the extended address register applied)
 * @data_len: data-phase bytes so far
 * @ignored: the chip does not execute this frame (busy, absent, ...)
 * @wbuf: register bytes written by WRSR/WREAR
 */
struct fsim_frame {
	const struct fsim_op *op;
	u8 opcode;
	u32 pos;
	u32 hdr_len;
	u32 addr_len;
	u8 hdr[4];
	u32 addr;
	u32 data_len;
	bool ignored;
	u8 wbuf[3];
};

/**
 * struct fsim - one simulated chip and its controller
 * @dev: the platform device
 * @ctlr: the virtual SPI controller
 * @chip: the chip model
 * @lock: serialises the chip state against debugfs
 * @mem: backing store, @chip->size bytes
 * @gone: the controller is being removed; refuse transfers
 * @sr: status registers 1..3 (WIP/WEL of SR1 kept in @wel/@ready_at)
 * @wel: write enable latch
 * @ewsr: 0x50 seen: the next WRSR needs no WEL
 * @ear: extended address register (A31..A24 in 3-byte mode)
 * @addr4: 4-byte address mode
 * @reset_armed: the previous frame was 0x66 reset enable
 * @powered_down: deep power-down (0xB9) until 0xAB
 * @ready_at: WIP reads 1 until this time
 * @frame_open: CS stayed low at the end of the last message (cs_change)
 * @fr: current frame
 * @page: program buffer (one page, wraps)
 * @flip_left: bytes to read before the next injected flip
 * @faults: fault knobs
 * @stats: counters
 * @sfdp: SFDP area (0xFF past the tables)
 * @dbg: debugfs directory
 * @gpio: the gpiochip whose lines drive WP# and HOLD#
 */
struct fsim {
	struct device *dev;
	struct spi_controller *ctlr;
	const struct fsim_chip *chip;
	struct mutex lock;
	u8 *mem;
	bool gone;
	u8 sr[3];
	bool wel;
	bool ewsr;
	u8 ear;
	bool addr4;
	bool reset_armed;
	bool powered_down;
	ktime_t ready_at;
	bool frame_open;
	struct fsim_frame fr;
	u8 page[FSIM_PAGE_SIZE];
	u64 flip_left;
	struct fsim_faults faults;
	struct fsim_stats stats;
	u8 sfdp[FSIM_SFDP_SIZE];
	struct dentry *dbg;
	struct fsim_gpio *gpio;
};

/* flashsim-chips.c */
int fsim_chips_check(void);
const struct fsim_chip *fsim_chip_find(const char *name);
void fsim_chip_names(char *buf, size_t len);

/* flashsim-sfdp.c */
void fsim_sfdp_build(const struct fsim_chip *chip, u8 *buf, size_t len);

/* flashsim-nor.c */
void fsim_nor_power_on(struct fsim *fs);
int fsim_nor_transfer(struct fsim *fs, struct spi_message *msg);
u8 fsim_nor_sr1(const struct fsim *fs);
bool fsim_nor_busy(const struct fsim *fs);
const char *fsim_nor_opname(u8 opcode);

/* flashsim-spi.c: runtime-writable module parameters */
unsigned int fsim_param_clock_hz(void);
bool fsim_param_timing(void);

/* flashsim-gpio.c */
int fsim_gpio_init(struct fsim *fs);
bool fsim_gpio_pin(const struct fsim *fs, unsigned int line);

/* flashsim-debugfs.c */
void fsim_debugfs_init(struct fsim *fs);
void fsim_debugfs_exit(struct fsim *fs);

#endif /* FLASHSIM_H */
