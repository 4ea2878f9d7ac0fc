// SPDX-License-Identifier: GPL-2.0-only
/*
 * meisim: a simulated Intel ME behind the /dev/mei character device ABI.
 *
 * /dev/meisim0 speaks include/uapi/linux/mei.h the way drivers/misc/mei/main.c
 * does: connect to a firmware client by GUID (ENOTTY for an unknown GUID, EBUSY for
 * a second connection on this file or on a single-connection client), the client's
 * MTU and protocol version back, VTAG connections refused (EOPNOTSUPP), event
 * notifications (NOTIFY_SET/GET, EPOLLPRI), message-sized writes (EFBIG above the
 * MTU, ENODEV unconnected), blocking or O_NONBLOCK reads of whole or partial
 * messages, and poll. The name keeps clear of the real mei class (/dev/meiN).
 *
 * The firmware side is one MKHI client. With mode=enabled it answers GET FW VERSION
 * (group 0xff, command 0x02) and FWCAPS GET RULE (group 0x03, command 0x02) for
 * rule 0; with mode=disabled it behaves as a disabled ME seen by intelmetool: GET FW
 * VERSION gets no answer at all and FWCAPS gets an error result. mode is writable
 * while loaded; a change raises a notification on connected files that enabled them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/mei.h>

/* Responses a file may have queued before writes block (EAGAIN if O_NONBLOCK). */
#define MEISIM_RX_LIMIT		8

/* MKHI header: group, command (bit 7 set in a response), reserved, result. */
struct mkhi_hdr {
	u8 group_id;
	u8 command;
	u8 reserved;
	u8 result;
} __packed;

#define MKHI_RESPONSE		0x80
#define MKHI_GROUP_FWCAPS	0x03
#define MKHI_FWCAPS_GET_RULE	0x02
#define MKHI_GROUP_GEN		0xff
#define MKHI_GEN_GET_FW_VERSION	0x02
/* Any non-zero result is a failure to intelmetool and Linux; this one is ours. */
#define MKHI_RESULT_FAILURE	0x01

/* GET FW VERSION answer: code, recovery and fitc blocks (as drivers/misc/mei reads). */
struct mkhi_fw_ver_block {
	__le16 minor;
	u8 major;
	u8 platform;
	__le16 buildno;
	__le16 hotfix;
} __packed;

struct mkhi_fw_ver_rsp {
	struct mkhi_hdr hdr;
	struct mkhi_fw_ver_block ver[3];
} __packed;

/* FWCAPS GET RULE request and answer (coreboot's me_fwcaps layout). */
struct mkhi_fwcaps_req {
	struct mkhi_hdr hdr;
	__le32 rule_id;
} __packed;

struct mkhi_fwcaps_rsp {
	struct mkhi_hdr hdr;
	__le32 rule_id;
	u8 length;
	__le32 caps_sku;
	u8 reserved[3];
} __packed;

/**
 * struct meisim_fw - firmware-side state every client reads
 * @enabled: ME running (mode=enabled) or disabled
 * @ver: major, minor, hotfix, build of the code version
 * @caps: rule 0 (feature SKU) bit mask
 */
struct meisim_fw {
	bool enabled;
	u16 ver[4];
	u32 caps;
};

struct meisim_file;

/**
 * struct meisim_client - one firmware client, as the ME enumerates it
 * @name: for logs
 * @uuid: the GUID userspace connects to
 * @max_msg_length: MTU in bytes
 * @protocol_version: client protocol version
 * @max_connections: simultaneous connections allowed
 * @notify: supports event notifications
 * @request: handle one request; may queue a response with meisim_respond()
 */
struct meisim_client {
	const char *name;
	guid_t uuid;
	u32 max_msg_length;
	u8 protocol_version;
	u8 max_connections;
	bool notify;
	void (*request)(struct meisim_file *f, const u8 *req, size_t len);
};

struct meisim_msg {
	struct list_head node;
	size_t len;
	u8 data[];
};

/**
 * struct meisim_file - one open /dev/meisim0
 * @node: in meisim_files
 * @lock: protects every field below except @rd_lock and @rd_off
 * @cl: connected client, NULL before connect
 * @rx: queued responses (struct meisim_msg)
 * @rx_count: entries in @rx
 * @notify_en: notifications requested by NOTIFY_SET
 * @notify_ev: a notification is pending
 * @wq: readers, writers waiting for room, NOTIFY_GET waiters, pollers
 * @rd_lock: serialises readers
 * @rd_off: bytes of the first message already read
 */
struct meisim_file {
	struct list_head node;
	spinlock_t lock;
	const struct meisim_client *cl;
	struct list_head rx;
	unsigned int rx_count;
	bool notify_en;
	bool notify_ev;
	wait_queue_head_t wq;
	struct mutex rd_lock;
	size_t rd_off;
};

static void mkhi_request(struct meisim_file *f, const u8 *req, size_t len);

static const struct meisim_client meisim_clients[] = {
	{
		.name = "MKHI",
		.uuid = GUID_INIT(0x8e6a6715, 0x9abc, 0x4043,
				  0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f),
		.max_msg_length = 512,
		.protocol_version = 1,
		.max_connections = 1,
		.notify = true,
		.request = mkhi_request,
	},
};

/* meisim_lock protects meisim_files, meisim_conns and meisim_fw; taken before f->lock */
static DEFINE_MUTEX(meisim_lock);
static LIST_HEAD(meisim_files);
static unsigned int meisim_conns[ARRAY_SIZE(meisim_clients)];
static struct meisim_fw meisim_fw = {
	.enabled = true,
	.ver = { 11, 8, 92, 4222 },
	/* Manageability, PAVP, IPV6, KVM */
	.caps = BIT(2) | BIT(12) | BIT(17) | BIT(18),
};

static int mode_set(const char *val, const struct kernel_param *kp)
{
	struct meisim_file *f;
	bool enabled;

	if (sysfs_streq(val, "enabled"))
		enabled = true;
	else if (sysfs_streq(val, "disabled"))
		enabled = false;
	else
		return -EINVAL;

	mutex_lock(&meisim_lock);
	if (meisim_fw.enabled != enabled) {
		meisim_fw.enabled = enabled;
		list_for_each_entry(f, &meisim_files, node) {
			spin_lock(&f->lock);
			if (f->cl && f->notify_en) {
				f->notify_ev = true;
				wake_up_interruptible(&f->wq);
			}
			spin_unlock(&f->lock);
		}
	}
	mutex_unlock(&meisim_lock);
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	bool enabled;

	mutex_lock(&meisim_lock);
	enabled = meisim_fw.enabled;
	mutex_unlock(&meisim_lock);
	return sysfs_emit(buf, "%s\n", enabled ? "enabled" : "disabled");
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};
module_param_cb(mode, &mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "enabled (MKHI answers) or disabled (as a disabled ME); writable");

static char *fw_version = "11.8.92.4222";
module_param(fw_version, charp, 0444);
MODULE_PARM_DESC(fw_version, "firmware code version major.minor.hotfix.build");

static uint fwcaps;
module_param(fwcaps, uint, 0444);
MODULE_PARM_DESC(fwcaps, "FWCAPS rule 0 feature bits (0: Manageability, PAVP, IPV6, KVM)");

/* Queue a response for @f; dropped (with a debug line) if out of memory. */
static void meisim_respond(struct meisim_file *f, const void *data, size_t len)
{
	struct meisim_msg *m = kmalloc(struct_size(m, data, len), GFP_KERNEL);

	/* out of memory: the answer is lost, as a lost message is on real hardware */
	if (!m)
		return;
	m->len = len;
	memcpy(m->data, data, len);
	spin_lock(&f->lock);
	list_add_tail(&m->node, &f->rx);
	f->rx_count++;
	spin_unlock(&f->lock);
	wake_up_interruptible(&f->wq);
}

static void mkhi_fw_version(struct meisim_file *f, const struct meisim_fw *fw)
{
	struct mkhi_fw_ver_rsp rsp = {
		.hdr = {
			.group_id = MKHI_GROUP_GEN,
			.command = MKHI_GEN_GET_FW_VERSION | MKHI_RESPONSE,
		},
	};
	unsigned int i;

	/* code, recovery and fitc blocks carry the same version in this model */
	for (i = 0; i < ARRAY_SIZE(rsp.ver); i++) {
		rsp.ver[i].major = fw->ver[0];
		rsp.ver[i].minor = cpu_to_le16(fw->ver[1]);
		rsp.ver[i].hotfix = cpu_to_le16(fw->ver[2]);
		rsp.ver[i].buildno = cpu_to_le16(fw->ver[3]);
	}
	meisim_respond(f, &rsp, sizeof(rsp));
}

static void mkhi_fwcaps(struct meisim_file *f, const struct meisim_fw *fw,
			const u8 *req, size_t len)
{
	const struct mkhi_fwcaps_req *q = (const void *)req;
	struct mkhi_fwcaps_rsp rsp = {
		.hdr = {
			.group_id = MKHI_GROUP_FWCAPS,
			.command = MKHI_FWCAPS_GET_RULE | MKHI_RESPONSE,
		},
	};

	if (!fw->enabled || len < sizeof(*q) || le32_to_cpu(q->rule_id) != 0) {
		/* the header alone, with a failure result */
		rsp.hdr.result = MKHI_RESULT_FAILURE;
		meisim_respond(f, &rsp.hdr, sizeof(rsp.hdr));
		return;
	}
	rsp.rule_id = q->rule_id;
	rsp.length = sizeof(rsp.caps_sku);
	rsp.caps_sku = cpu_to_le32(fw->caps);
	meisim_respond(f, &rsp, sizeof(rsp));
}

static void mkhi_request(struct meisim_file *f, const u8 *req, size_t len)
{
	const struct mkhi_hdr *h = (const void *)req;
	struct meisim_fw fw;

	mutex_lock(&meisim_lock);
	fw = meisim_fw;
	mutex_unlock(&meisim_lock);

	if (len < sizeof(*h) || (h->command & MKHI_RESPONSE)) {
		pr_debug("MKHI: malformed request of %zu bytes ignored\n", len);
		return;
	}
	if (h->group_id == MKHI_GROUP_GEN && h->command == MKHI_GEN_GET_FW_VERSION) {
		/* a disabled ME leaves the request unanswered: the reader times out */
		if (fw.enabled)
			mkhi_fw_version(f, &fw);
		return;
	}
	if (h->group_id == MKHI_GROUP_FWCAPS && h->command == MKHI_FWCAPS_GET_RULE) {
		mkhi_fwcaps(f, &fw, req, len);
		return;
	}
	/* unknown commands get their header back with a failure result */
	{
		struct mkhi_hdr rsp = {
			.group_id = h->group_id,
			.command = h->command | MKHI_RESPONSE,
			.result = MKHI_RESULT_FAILURE,
		};

		meisim_respond(f, &rsp, sizeof(rsp));
	}
}

static const struct meisim_client *meisim_client_find(const guid_t *uuid, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(meisim_clients); i++) {
		if (guid_equal(&meisim_clients[i].uuid, uuid)) {
			*idx = i;
			return &meisim_clients[i];
		}
	}
	return NULL;
}

static int meisim_open(struct inode *inode, struct file *file)
{
	struct meisim_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	spin_lock_init(&f->lock);
	INIT_LIST_HEAD(&f->rx);
	init_waitqueue_head(&f->wq);
	mutex_init(&f->rd_lock);
	file->private_data = f;

	mutex_lock(&meisim_lock);
	list_add_tail(&f->node, &meisim_files);
	mutex_unlock(&meisim_lock);
	return stream_open(inode, file);
}

static int meisim_release(struct inode *inode, struct file *file)
{
	struct meisim_file *f = file->private_data;
	struct meisim_msg *m, *tmp;
	unsigned int idx;

	mutex_lock(&meisim_lock);
	list_del(&f->node);
	if (f->cl && meisim_client_find(&f->cl->uuid, &idx))
		meisim_conns[idx]--;
	mutex_unlock(&meisim_lock);

	list_for_each_entry_safe(m, tmp, &f->rx, node)
		kfree(m);
	mutex_destroy(&f->rd_lock);
	kfree(f);
	return 0;
}

static const struct meisim_client *meisim_connected(struct meisim_file *f)
{
	const struct meisim_client *cl;

	spin_lock(&f->lock);
	cl = f->cl;
	spin_unlock(&f->lock);
	return cl;
}

static int meisim_connect(struct meisim_file *f, const guid_t *uuid, struct mei_client *out)
{
	const struct meisim_client *cl;
	unsigned int idx;
	int r = 0;

	mutex_lock(&meisim_lock);
	cl = meisim_client_find(uuid, &idx);
	if (!cl) {
		r = -ENOTTY;
		goto unlock;
	}
	spin_lock(&f->lock);
	if (f->cl) {
		r = -EBUSY;
	} else if (meisim_conns[idx] >= cl->max_connections) {
		r = -EBUSY;
	} else {
		f->cl = cl;
		meisim_conns[idx]++;
	}
	spin_unlock(&f->lock);
	if (!r) {
		memset(out, 0, sizeof(*out));
		out->max_msg_length = cl->max_msg_length;
		out->protocol_version = cl->protocol_version;
	}
unlock:
	mutex_unlock(&meisim_lock);
	return r;
}

static long meisim_ioctl_connect(struct meisim_file *f, void __user *arg)
{
	struct mei_connect_client_data data;
	guid_t uuid;
	int r;

	if (copy_from_user(&data, arg, sizeof(data)))
		return -EFAULT;
	/* uuid_le is guid_t in 6.1 and a struct of its own since 6.3 */
	import_guid(&uuid, data.in_client_uuid.b);
	r = meisim_connect(f, &uuid, &data.out_client_properties);
	if (r)
		return r;
	if (copy_to_user(arg, &data, sizeof(data)))
		return -EFAULT;
	return 0;
}

static long meisim_ioctl_connect_vtag(struct meisim_file *f, void __user *arg)
{
	struct mei_connect_client_data_vtag data;
	const struct meisim_client *cl;
	unsigned int idx;
	guid_t uuid;

	if (copy_from_user(&data, arg, sizeof(data)))
		return -EFAULT;
	if (!data.connect.vtag)
		return -EINVAL;
	mutex_lock(&meisim_lock);
	import_guid(&uuid, data.connect.in_client_uuid.b);
	cl = meisim_client_find(&uuid, &idx);
	mutex_unlock(&meisim_lock);
	if (!cl)
		return -ENOTTY;
	/* like a firmware client without vtag support (none of ours has it) */
	return -EOPNOTSUPP;
}

static long meisim_ioctl_notify_set(struct meisim_file *f, u32 __user *arg)
{
	const struct meisim_client *cl;
	u32 req;

	if (get_user(req, arg))
		return -EFAULT;
	if (req > 1)
		return -EINVAL;
	cl = meisim_connected(f);
	if (!cl)
		return -ENODEV;
	if (!cl->notify)
		return -EOPNOTSUPP;
	spin_lock(&f->lock);
	f->notify_en = req;
	if (!req)
		f->notify_ev = false;
	spin_unlock(&f->lock);
	return 0;
}

static bool meisim_notify_ready(struct meisim_file *f)
{
	bool ready;

	spin_lock(&f->lock);
	ready = f->notify_ev || !f->notify_en;
	spin_unlock(&f->lock);
	return ready;
}

static long meisim_ioctl_notify_get(struct file *file, struct meisim_file *f, u32 __user *arg)
{
	u32 ev;

	if (!meisim_connected(f))
		return -ENODEV;
	spin_lock(&f->lock);
	if (!f->notify_en) {
		spin_unlock(&f->lock);
		return -EOPNOTSUPP;
	}
	spin_unlock(&f->lock);

	if (!(file->f_flags & O_NONBLOCK) &&
	    wait_event_interruptible(f->wq, meisim_notify_ready(f)))
		return -ERESTARTSYS;

	spin_lock(&f->lock);
	ev = f->notify_ev;
	f->notify_ev = false;
	spin_unlock(&f->lock);
	return put_user(ev, arg);
}

static long meisim_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct meisim_file *f = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case IOCTL_MEI_CONNECT_CLIENT:
		return meisim_ioctl_connect(f, argp);
	case IOCTL_MEI_CONNECT_CLIENT_VTAG:
		return meisim_ioctl_connect_vtag(f, argp);
	case IOCTL_MEI_NOTIFY_SET:
		return meisim_ioctl_notify_set(f, argp);
	case IOCTL_MEI_NOTIFY_GET:
		return meisim_ioctl_notify_get(file, f, argp);
	default:
		return -ENOIOCTLCMD;
	}
}

static bool meisim_has_room(struct meisim_file *f)
{
	bool room;

	spin_lock(&f->lock);
	room = f->rx_count < MEISIM_RX_LIMIT;
	spin_unlock(&f->lock);
	return room;
}

static ssize_t meisim_write(struct file *file, const char __user *ubuf, size_t len,
			    loff_t *off)
{
	struct meisim_file *f = file->private_data;
	const struct meisim_client *cl = meisim_connected(f);
	u8 *req;

	if (!cl)
		return -ENODEV;
	if (!len)
		return 0;
	if (len > cl->max_msg_length)
		return -EFBIG;
	if (!meisim_has_room(f)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(f->wq, meisim_has_room(f)))
			return -ERESTARTSYS;
	}
	req = memdup_user(ubuf, len);
	if (IS_ERR(req))
		return PTR_ERR(req);
	cl->request(f, req, len);
	kfree(req);
	return len;
}

static bool meisim_rx_ready(struct meisim_file *f)
{
	bool ready;

	spin_lock(&f->lock);
	ready = !list_empty(&f->rx);
	spin_unlock(&f->lock);
	return ready;
}

static ssize_t meisim_read(struct file *file, char __user *ubuf, size_t len, loff_t *off)
{
	struct meisim_file *f = file->private_data;
	struct meisim_msg *m;
	size_t n;
	ssize_t r;

	if (!meisim_connected(f))
		return -ENODEV;
	if (!len)
		return 0;
	if (mutex_lock_interruptible(&f->rd_lock))
		return -ERESTARTSYS;
	while (!meisim_rx_ready(f)) {
		if (file->f_flags & O_NONBLOCK) {
			r = -EAGAIN;
			goto unlock;
		}
		if (wait_event_interruptible(f->wq, meisim_rx_ready(f))) {
			r = -ERESTARTSYS;
			goto unlock;
		}
	}
	/* only a reader (holding rd_lock) removes messages: m stays valid */
	spin_lock(&f->lock);
	m = list_first_entry(&f->rx, struct meisim_msg, node);
	spin_unlock(&f->lock);

	n = min(len, m->len - f->rd_off);
	if (copy_to_user(ubuf, m->data + f->rd_off, n)) {
		r = -EFAULT;
		goto unlock;
	}
	f->rd_off += n;
	if (f->rd_off == m->len) {
		spin_lock(&f->lock);
		list_del(&m->node);
		f->rx_count--;
		spin_unlock(&f->lock);
		kfree(m);
		f->rd_off = 0;
		wake_up_interruptible(&f->wq);
	}
	r = n;
unlock:
	mutex_unlock(&f->rd_lock);
	return r;
}

static __poll_t meisim_poll(struct file *file, poll_table *wait)
{
	struct meisim_file *f = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &f->wq, wait);
	spin_lock(&f->lock);
	if (!f->cl) {
		mask = EPOLLERR;
	} else {
		if (!list_empty(&f->rx))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (f->rx_count < MEISIM_RX_LIMIT)
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (f->notify_en && f->notify_ev)
			mask |= EPOLLPRI;
	}
	spin_unlock(&f->lock);
	return mask;
}

static const struct file_operations meisim_fops = {
	.owner = THIS_MODULE,
	.open = meisim_open,
	.release = meisim_release,
	.read = meisim_read,
	.write = meisim_write,
	.poll = meisim_poll,
	.unlocked_ioctl = meisim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice meisim_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "meisim0",
	.fops = &meisim_fops,
	.mode = 0600,
};

static int __init meisim_init(void)
{
	u16 v[4];
	int r;

	if (sscanf(fw_version, "%hu.%hu.%hu.%hu", &v[0], &v[1], &v[2], &v[3]) != 4 ||
	    v[0] > 0xff) {
		pr_err("fw_version '%s': expected major.minor.hotfix.build (major < 256)\n",
		       fw_version);
		return -EINVAL;
	}
	memcpy(meisim_fw.ver, v, sizeof(v));
	if (fwcaps)
		meisim_fw.caps = fwcaps;

	r = misc_register(&meisim_misc);
	if (r)
		return r;
	pr_info("/dev/%s: MKHI client, firmware %s, mode %s\n", meisim_misc.name,
		fw_version, meisim_fw.enabled ? "enabled" : "disabled");
	return 0;
}

static void __exit meisim_exit(void)
{
	misc_deregister(&meisim_misc);
}

module_init(meisim_init);
module_exit(meisim_exit);

MODULE_DESCRIPTION("Simulated Intel ME behind the /dev/mei ABI (MKHI client)");
MODULE_AUTHOR("mectl project");
MODULE_LICENSE("GPL");
