// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim debugfs: /sys/kernel/debug/flashsim/
 *
 *   data         the array, binary, chip-size bytes; writes bypass NOR rules
 *   state        chip and register state, text
 *   stats        counters, text; writing anything resets them
 *   power_cycle  writing anything resets the volatile state as at power-up
 *   flip_rate, stuck_addr, erase_fail, stuck_busy, absent,
 *   wp_floats_low, hold_floats_low, jedec_override          fault knobs
 *
 * Tests preload and inspect the chip here without trusting the code under
 * test. Documented in flashsim.rst.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "flashsim.h"

/*
 * Reads and writes of the array at any offset; a write replaces bytes
 * directly (no erase, no protection), and one crossing the end is short.
 */
static ssize_t fsim_data_rw(struct file *file, void __user *buf, size_t count,
			    loff_t *ppos, bool write)
{
	struct fsim *fs = file->private_data;
	size_t size = fs->chip->size;
	loff_t pos = *ppos;
	unsigned long left;
	ssize_t ret;

	if (pos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	if (pos >= size)
		return write ? -ENOSPC : 0;
	count = min_t(size_t, count, size - pos);
	mutex_lock(&fs->lock);
	if (fs->gone) {
		ret = -ENODEV;
		goto unlock;
	}
	if (write)
		left = copy_from_user(fs->mem + pos, buf, count);
	else
		left = copy_to_user(buf, fs->mem + pos, count);
	if (left) {
		ret = -EFAULT;
		goto unlock;
	}
	*ppos = pos + count;
	ret = count;
unlock:
	mutex_unlock(&fs->lock);
	return ret;
}

static ssize_t fsim_data_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return fsim_data_rw(file, buf, count, ppos, false);
}

static ssize_t fsim_data_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	return fsim_data_rw(file, (void __user *)buf, count, ppos, true);
}

static loff_t fsim_data_llseek(struct file *file, loff_t offset, int whence)
{
	struct fsim *fs = file->private_data;

	return fixed_size_llseek(file, offset, whence, fs->chip->size);
}

static const struct file_operations fsim_data_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fsim_data_read,
	.write = fsim_data_write,
	.llseek = fsim_data_llseek,
};

static int fsim_stats_show(struct seq_file *m, void *unused)
{
	struct fsim *fs = m->private;
	const struct fsim_stats *st = &fs->stats;
	unsigned int op;

	mutex_lock(&fs->lock);
	seq_printf(m, "frames %llu\n", st->frames);
	seq_printf(m, "clocked_bytes %llu\n", st->clocked);
	seq_printf(m, "bytes_in %llu\n", st->bytes_in);
	seq_printf(m, "bytes_out %llu\n", st->bytes_out);
	seq_printf(m, "bus_ns %llu\n", st->bus_ns);
	seq_printf(m, "ignored_busy %llu\n", st->ignored_busy);
	seq_printf(m, "ignored_wel %llu\n", st->ignored_wel);
	seq_printf(m, "ignored_protected %llu\n", st->ignored_protected);
	seq_printf(m, "ignored_wp %llu\n", st->ignored_wp);
	seq_printf(m, "held_bytes %llu\n", st->held);
	seq_printf(m, "flips %llu\n", st->flips);
	for (op = 0; op < ARRAY_SIZE(st->ops); op++)
		if (st->ops[op])
			seq_printf(m, "op 0x%02x %s %llu\n", op,
				   fsim_nor_opname(op) ?: "unknown",
				   st->ops[op]);
	mutex_unlock(&fs->lock);
	return 0;
}

static int fsim_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, fsim_stats_show, inode->i_private);
}

static ssize_t fsim_stats_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct fsim *fs = ((struct seq_file *)file->private_data)->private;

	mutex_lock(&fs->lock);
	memset(&fs->stats, 0, sizeof(fs->stats));
	mutex_unlock(&fs->lock);
	return count;
}

static const struct file_operations fsim_stats_fops = {
	.owner = THIS_MODULE,
	.open = fsim_stats_open,
	.read = seq_read,
	.write = fsim_stats_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int fsim_state_show(struct seq_file *m, void *unused)
{
	struct fsim *fs = m->private;
	const struct fsim_chip *chip = fs->chip;

	mutex_lock(&fs->lock);
	seq_printf(m, "chip %s\n", chip->name);
	seq_printf(m, "jedec_id %02x%02x%02x\n", chip->id[0], chip->id[1],
		   chip->id[2]);
	seq_printf(m, "size %u\n", chip->size);
	seq_printf(m, "sr1 0x%02x\n", fsim_nor_sr1(fs));
	seq_printf(m, "sr2 0x%02x\n", fs->sr[1]);
	seq_printf(m, "sr3 0x%02x\n", fs->sr[2]);
	seq_printf(m, "ear 0x%02x\n", fs->ear);
	seq_printf(m, "addr_bytes %u\n", fs->addr4 ? 4 : 3);
	seq_printf(m, "busy %d\n", fsim_nor_busy(fs));
	seq_printf(m, "powered_down %d\n", fs->powered_down);
	seq_printf(m, "wp_pin %d\n", fsim_gpio_pin(fs, FSIM_GPIO_WP));
	seq_printf(m, "hold_pin %d\n", fsim_gpio_pin(fs, FSIM_GPIO_HOLD));
	mutex_unlock(&fs->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fsim_state);

static ssize_t fsim_power_cycle_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	struct fsim *fs = file->private_data;

	mutex_lock(&fs->lock);
	fsim_nor_power_on(fs);
	fs->frame_open = false;
	mutex_unlock(&fs->lock);
	return count;
}

static const struct file_operations fsim_power_cycle_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fsim_power_cycle_write,
	.llseek = noop_llseek,
};

/**
 * struct fsim_knob - one fault injection knob
 * @name: debugfs file name
 * @offset: field in struct fsim_faults
 * @min: smallest accepted value
 * @max: largest accepted value (further limited to the chip for addresses)
 * @is_addr: the value is a byte address in the array (or -1)
 */
struct fsim_knob {
	const char *name;
	size_t offset;
	s64 min;
	s64 max;
	bool is_addr;
};

static const struct fsim_knob fsim_knobs[] = {
	{ .name = "flip_rate", .offset = offsetof(struct fsim_faults, flip_rate),
	  .min = 0, .max = 1 << 30 },
	{ .name = "stuck_addr", .offset = offsetof(struct fsim_faults, stuck_addr),
	  .min = -1, .max = FSIM_MAX_SIZE - 1, .is_addr = true },
	{ .name = "erase_fail", .offset = offsetof(struct fsim_faults, erase_fail),
	  .min = 0, .max = 1 },
	{ .name = "stuck_busy", .offset = offsetof(struct fsim_faults, stuck_busy),
	  .min = 0, .max = 1 },
	{ .name = "absent", .offset = offsetof(struct fsim_faults, absent),
	  .min = 0, .max = 2 },
	{ .name = "wp_floats_low",
	  .offset = offsetof(struct fsim_faults, wp_floats_low),
	  .min = 0, .max = 1 },
	{ .name = "hold_floats_low",
	  .offset = offsetof(struct fsim_faults, hold_floats_low),
	  .min = 0, .max = 1 },
};

static const struct fsim_knob *fsim_knob_of(struct file *file)
{
	const char *name = file_dentry(file)->d_name.name;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fsim_knobs); i++)
		if (!strcmp(name, fsim_knobs[i].name))
			return &fsim_knobs[i];
	return NULL;
}

static s64 *fsim_knob_field(struct fsim *fs, const struct fsim_knob *k)
{
	return (s64 *)((u8 *)&fs->faults + k->offset);
}

static ssize_t fsim_knob_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	const struct fsim_knob *k = fsim_knob_of(file);
	struct fsim *fs = file->private_data;
	char tmp[24];
	int len;

	if (!k)
		return -ENOENT;
	mutex_lock(&fs->lock);
	len = scnprintf(tmp, sizeof(tmp), "%lld\n", *fsim_knob_field(fs, k));
	mutex_unlock(&fs->lock);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static ssize_t fsim_knob_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	const struct fsim_knob *k = fsim_knob_of(file);
	struct fsim *fs = file->private_data;
	s64 val;
	int ret;

	if (!k)
		return -ENOENT;
	ret = kstrtoll_from_user(buf, count, 0, &val);
	if (ret)
		return ret;
	if (val < k->min || val > k->max ||
	    (k->is_addr && val >= (s64)fs->chip->size))
		return -EINVAL;
	mutex_lock(&fs->lock);
	*fsim_knob_field(fs, k) = val;
	/* A new rate starts a new gap. */
	fs->flip_left = 0;
	mutex_unlock(&fs->lock);
	return count;
}

static const struct file_operations fsim_knob_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fsim_knob_read,
	.write = fsim_knob_write,
	.llseek = default_llseek,
};

/*
 * jedec_override: six hex digits make RDID answer those bytes (a part the
 * host does not know, a clone); an empty write restores the model's id.
 */
static ssize_t fsim_id_override_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct fsim *fs = file->private_data;
	char tmp[8] = "\n";
	int len = 1;

	mutex_lock(&fs->lock);
	if (fs->faults.id_overridden)
		len = scnprintf(tmp, sizeof(tmp), "%3phN\n",
				fs->faults.id_override);
	mutex_unlock(&fs->lock);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static ssize_t fsim_id_override_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	struct fsim *fs = file->private_data;
	char tmp[16];
	u8 id[3];
	char *s;
	size_t n;

	n = min(count, sizeof(tmp) - 1);
	if (copy_from_user(tmp, buf, n))
		return -EFAULT;
	tmp[n] = '\0';
	s = strim(tmp);
	if (count >= sizeof(tmp) ||
	    (*s && (strlen(s) != 6 || hex2bin(id, s, sizeof(id)))))
		return -EINVAL;
	mutex_lock(&fs->lock);
	fs->faults.id_overridden = *s;
	if (*s)
		memcpy(fs->faults.id_override, id, sizeof(id));
	mutex_unlock(&fs->lock);
	return count;
}

static const struct file_operations fsim_id_override_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fsim_id_override_read,
	.write = fsim_id_override_write,
	.llseek = default_llseek,
};

/**
 * fsim_debugfs_init() - create /sys/kernel/debug/flashsim
 * @fs: the simulator
 *
 * debugfs failures are not fatal: the chip works without its test hooks.
 */
void fsim_debugfs_init(struct fsim *fs)
{
	size_t i;

	fs->dbg = debugfs_create_dir("flashsim", NULL);
	debugfs_create_file_size("data", 0600, fs->dbg, fs, &fsim_data_fops,
				 fs->chip->size);
	debugfs_create_file("stats", 0600, fs->dbg, fs, &fsim_stats_fops);
	debugfs_create_file("state", 0400, fs->dbg, fs, &fsim_state_fops);
	debugfs_create_file("power_cycle", 0200, fs->dbg, fs,
			    &fsim_power_cycle_fops);
	for (i = 0; i < ARRAY_SIZE(fsim_knobs); i++)
		debugfs_create_file(fsim_knobs[i].name, 0600, fs->dbg, fs,
				    &fsim_knob_fops);
	debugfs_create_file("jedec_override", 0600, fs->dbg, fs,
			    &fsim_id_override_fops);
}

/**
 * fsim_debugfs_exit() - remove /sys/kernel/debug/flashsim
 * @fs: the simulator
 *
 * Waits for file operations in progress, so none runs after this returns.
 */
void fsim_debugfs_exit(struct fsim *fs)
{
	debugfs_remove_recursive(fs->dbg);
	fs->dbg = NULL;
}
