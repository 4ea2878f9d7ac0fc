// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: the "mectl" generic netlink family (include/uapi/mectl.h).
 *
 * ATTACH, DETACH and ARM change state and need CAP_NET_ADMIN; GET_INFO is open
 * to anyone (doit for one chip, dumpit for all). Every state change is also
 * sent to the "events" multicast group. Attributes are validated strictly
 * (resv_start_op 0): output-only attributes in a request are rejected.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

#include "mectl_flash.h"

/* The 6.1 policy takes non-const range pointers; nothing writes them. */
static struct netlink_range_validation mectl_speed_range __ro_after_init = {
	.min = 0,
	.max = MECTL_SPEED_MAX,
};

static struct netlink_range_validation mectl_gpio_range __ro_after_init = {
	.min = 0,
	.max = INT_MAX,
};

static const struct nla_policy mectl_policy[MECTL_A_MAX + 1] = {
	[MECTL_A_BUS] = NLA_POLICY_MAX(NLA_U32, S16_MAX),
	[MECTL_A_CS] = NLA_POLICY_MAX(NLA_U32, U8_MAX),
	[MECTL_A_SPEED_HZ] = NLA_POLICY_FULL_RANGE(NLA_U32, &mectl_speed_range),
	[MECTL_A_WP_GPIO] = NLA_POLICY_FULL_RANGE(NLA_U32, &mectl_gpio_range),
	[MECTL_A_HOLD_GPIO] = NLA_POLICY_FULL_RANGE(NLA_U32, &mectl_gpio_range),
	[MECTL_A_WRITEABLE] = NLA_POLICY_MAX(NLA_U8, 1),
	[MECTL_A_WP_GPIO_NAME] = { .type = NLA_NUL_STRING,
				   .len = MECTL_GPIO_NAME_MAX - 1 },
	[MECTL_A_HOLD_GPIO_NAME] = { .type = NLA_NUL_STRING,
				     .len = MECTL_GPIO_NAME_MAX - 1 },
};

static struct genl_family mectl_genl_family;

/*
 * How fresh the status registers in a reply are. A live read waits for the
 * chip (an erase may hold it for seconds) under mectl_list_lock, so only
 * callers with CAP_NET_ADMIN get one; everyone else, and the events, get the
 * values of the last live read.
 */
enum mectl_sr_source {
	MECTL_SR_NONE,		/* no status registers (DETACHED) */
	MECTL_SR_CACHED,
	MECTL_SR_LIVE,
};

static int mectl_put_sr(struct sk_buff *skb, struct mectl_chip *chip,
			unsigned int n, int attr, enum mectl_sr_source src)
{
	u8 val;
	int ret;

	switch (src) {
	case MECTL_SR_NONE:
		return 0;
	case MECTL_SR_CACHED:
		return mectl_cached_sr(chip, n, &val) ? nla_put_u8(skb, attr, val) : 0;
	case MECTL_SR_LIVE:
		break;
	}
	ret = mectl_read_sr(chip, n, &val);
	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret)
		return ret;
	return nla_put_u8(skb, attr, val);
}

/* A WP#/HOLD# line as the attach request gave it: number or name. */
static int mectl_put_gpio(struct sk_buff *skb, const char *spec, int num_attr,
			  int name_attr)
{
	u32 num;

	if (!*spec)
		return 0;
	if (mectl_gpio_number(spec, &num))
		return nla_put_u32(skb, num_attr, num);
	return nla_put_string(skb, name_attr, spec);
}

/*
 * The WP# or HOLD# line of an ATTACH: its name, or its legacy number written
 * out in @buf; NULL for none, ERR_PTR(-EINVAL) for both at once.
 */
static const char *mectl_request_gpio(struct genl_info *info, int num_attr,
				      int name_attr, char *buf, size_t len)
{
	struct nlattr *num = info->attrs[num_attr];
	struct nlattr *name = info->attrs[name_attr];

	if (num && name) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a GPIO line goes by name or by number, not both");
		return ERR_PTR(-EINVAL);
	}
	if (name)
		return nla_data(name);
	if (!num)
		return NULL;
	snprintf(buf, len, "%u", nla_get_u32(num));
	return buf;
}

static enum mectl_sr_source mectl_sr_source_for(struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_NET_ADMIN) ? MECTL_SR_LIVE : MECTL_SR_CACHED;
}

/*
 * The GET_INFO attributes of @chip, with status registers from @src; only
 * BUS, CS and MTD_INDEX for MECTL_SR_NONE.
 */
static int mectl_fill_info(struct sk_buff *skb, struct mectl_chip *chip,
			   enum mectl_sr_source src)
{
	bool brief = src == MECTL_SR_NONE;
	struct mtd_info *mtd = &chip->nor.mtd;
	int ret;

	if (nla_put_u32(skb, MECTL_A_BUS, chip->bus) ||
	    nla_put_u32(skb, MECTL_A_CS, chip->cs) ||
	    nla_put_u32(skb, MECTL_A_MTD_INDEX, mtd->index))
		return -EMSGSIZE;
	if (brief)
		return 0;

	if (nla_put_u32(skb, MECTL_A_SPEED_HZ, chip->speed_hz) ||
	    nla_put(skb, MECTL_A_JEDEC_ID, MECTL_JEDEC_ID_LEN, chip->id) ||
	    nla_put_string(skb, MECTL_A_MANUFACTURER, chip->vendor->name) ||
	    nla_put_string(skb, MECTL_A_PART, chip->part ?: "unknown") ||
	    nla_put_u64_64bit(skb, MECTL_A_SIZE, mtd->size, MECTL_A_PAD) ||
	    nla_put_u32(skb, MECTL_A_ERASE_SIZE, mtd->erasesize) ||
	    nla_put_u32(skb, MECTL_A_BLOCK_ERASE_SIZE,
			mectl_block_erase_size(chip)) ||
	    nla_put_u32(skb, MECTL_A_PAGE_SIZE, chip->nor.mtd.writebufsize) ||
	    nla_put_u8(skb, MECTL_A_WRITEABLE, READ_ONCE(chip->writeable)) ||
	    nla_put_string(skb, MECTL_A_MTD_NAME, mtd->name))
		return -EMSGSIZE;
	if (mectl_put_gpio(skb, chip->wp_gpio, MECTL_A_WP_GPIO,
			   MECTL_A_WP_GPIO_NAME) ||
	    mectl_put_gpio(skb, chip->hold_gpio, MECTL_A_HOLD_GPIO,
			   MECTL_A_HOLD_GPIO_NAME))
		return -EMSGSIZE;

	ret = mectl_put_sr(skb, chip, 1, MECTL_A_SR1, src);
	if (!ret)
		ret = mectl_put_sr(skb, chip, 2, MECTL_A_SR2, src);
	if (!ret)
		ret = mectl_put_sr(skb, chip, 3, MECTL_A_SR3, src);
	return ret;
}

static int mectl_reply_info(struct genl_info *info, struct mectl_chip *chip,
			    enum mectl_sr_source src)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mectl_genl_family, 0,
				MECTL_CMD_GET_INFO);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto free_msg;
	}
	ret = mectl_fill_info(msg, chip, src);
	if (ret)
		goto free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return ret;
}

/*
 * The chip a request names: BUS and CS together, or neither for the only
 * chip attached. Called with mectl_list_lock held, which keeps the chip from
 * being freed by mectl_remove() (a controller can go away under us at any
 * time) until the caller unlocks.
 */
static struct mectl_chip *mectl_request_chip(struct genl_info *info)
{
	struct nlattr *bus = info->attrs[MECTL_A_BUS];
	struct nlattr *cs = info->attrs[MECTL_A_CS];
	struct mectl_chip *chip;

	if (!bus != !cs) {
		GENL_SET_ERR_MSG(info, "BUS and CS go together");
		return ERR_PTR(-EINVAL);
	}
	chip = __mectl_find_chip(!bus, bus ? nla_get_u32(bus) : 0,
				 cs ? nla_get_u32(cs) : 0);
	if (IS_ERR(chip))
		GENL_SET_ERR_MSG(info, "several chips attached: name one with BUS and CS");
	else if (!chip)
		chip = ERR_PTR(-ENODEV);
	return chip;
}

static int mectl_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	char wp_num[12], hold_num[12];
	struct mectl_attach_req req = {};
	struct mectl_chip *chip;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MECTL_A_BUS) ||
	    GENL_REQ_ATTR_CHECK(info, MECTL_A_CS))
		return -EINVAL;
	req.bus = nla_get_u32(a[MECTL_A_BUS]);
	req.cs = nla_get_u32(a[MECTL_A_CS]);
	if (a[MECTL_A_SPEED_HZ])
		req.speed_hz = nla_get_u32(a[MECTL_A_SPEED_HZ]);
	if (a[MECTL_A_WRITEABLE])
		req.writeable = nla_get_u8(a[MECTL_A_WRITEABLE]);
	req.wp_gpio = mectl_request_gpio(info, MECTL_A_WP_GPIO,
					 MECTL_A_WP_GPIO_NAME, wp_num,
					 sizeof(wp_num));
	req.hold_gpio = mectl_request_gpio(info, MECTL_A_HOLD_GPIO,
					   MECTL_A_HOLD_GPIO_NAME, hold_num,
					   sizeof(hold_num));
	if (IS_ERR(req.wp_gpio) || IS_ERR(req.hold_gpio))
		return -EINVAL;
	ret = mectl_gpio_check(req.wp_gpio, req.hold_gpio, info->extack);
	if (ret)
		return ret;

	ret = mectl_attach(&req);
	if (ret)
		return ret;
	mutex_lock(&mectl_list_lock);
	chip = __mectl_find_chip(false, req.bus, req.cs);
	ret = chip ? mectl_reply_info(info, chip, MECTL_SR_CACHED) : -ENODEV;
	mutex_unlock(&mectl_list_lock);
	return ret;
}

static int mectl_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct mectl_chip *chip;
	u32 bus, cs;

	/* Only the address crosses the unlock: detaching runs mectl_remove(). */
	mutex_lock(&mectl_list_lock);
	chip = mectl_request_chip(info);
	if (!IS_ERR(chip)) {
		bus = chip->bus;
		cs = chip->cs;
	}
	mutex_unlock(&mectl_list_lock);
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	return mectl_detach(bus, cs);
}

static int mectl_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct mectl_chip *chip;
	int ret;

	mutex_lock(&mectl_list_lock);
	chip = mectl_request_chip(info);
	ret = IS_ERR(chip) ? PTR_ERR(chip) :
	      mectl_reply_info(info, chip, mectl_sr_source_for(skb));
	mutex_unlock(&mectl_list_lock);
	return ret;
}

static int mectl_nl_dump_info(struct sk_buff *skb, struct netlink_callback *cb)
{
	enum mectl_sr_source src = mectl_sr_source_for(cb->skb);
	struct mectl_chip *chip;
	long idx = 0;
	void *hdr;
	int ret = 0;

	mutex_lock(&mectl_list_lock);
	list_for_each_entry(chip, &mectl_chips, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mectl_genl_family,
				  NLM_F_MULTI, MECTL_CMD_GET_INFO);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		ret = mectl_fill_info(skb, chip, src);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&mectl_list_lock);

	/* A full skb ends this round; the next one resumes at args[0]. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int mectl_nl_arm(struct sk_buff *skb, struct genl_info *info)
{
	struct mectl_chip *chip;

	if (GENL_REQ_ATTR_CHECK(info, MECTL_A_WRITEABLE))
		return -EINVAL;
	mutex_lock(&mectl_list_lock);
	chip = mectl_request_chip(info);
	if (!IS_ERR(chip))
		mectl_chip_set_writeable(chip,
					 nla_get_u8(info->attrs[MECTL_A_WRITEABLE]));
	mutex_unlock(&mectl_list_lock);
	return PTR_ERR_OR_ZERO(chip);
}

static const struct genl_small_ops mectl_genl_ops[] = {
	{
		.cmd = MECTL_CMD_ATTACH,
		.doit = mectl_nl_attach,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MECTL_CMD_DETACH,
		.doit = mectl_nl_detach,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MECTL_CMD_GET_INFO,
		.doit = mectl_nl_get_info,
		.dumpit = mectl_nl_dump_info,
	},
	{
		.cmd = MECTL_CMD_ARM,
		.doit = mectl_nl_arm,
		.flags = GENL_ADMIN_PERM,
	},
};

enum mectl_mcgrp {
	MECTL_MCGRP_EVENTS,
};

static const struct genl_multicast_group mectl_mcgrps[] = {
	[MECTL_MCGRP_EVENTS] = { .name = MECTL_GENL_MCGRP_EVENTS },
};

static struct genl_family mectl_genl_family __ro_after_init = {
	.name = MECTL_GENL_NAME,
	.version = MECTL_GENL_VERSION,
	.maxattr = MECTL_A_MAX,
	.policy = mectl_policy,
	.module = THIS_MODULE,
	.small_ops = mectl_genl_ops,
	.n_small_ops = ARRAY_SIZE(mectl_genl_ops),
	.mcgrps = mectl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mectl_mcgrps),
	/* resv_start_op stays 0: every command is strictly validated. */
};

/**
 * mectl_netlink_event() - tell the "events" group about @chip.
 * @chip: the chip concerned.
 * @event: MECTL_EVENT_ATTACHED, MECTL_EVENT_DETACHED or MECTL_EVENT_ARMED.
 *
 * DETACHED carries BUS, CS and MTD_INDEX only; the others the GET_INFO
 * attributes, with the status registers of the last live read. Nobody
 * listening is not an error.
 */
void mectl_netlink_event(struct mectl_chip *chip, u8 event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&mectl_genl_family, &init_net,
				MECTL_MCGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &mectl_genl_family, 0, event);
	if (!hdr)
		goto free_msg;
	if (mectl_fill_info(msg, chip, event == MECTL_EVENT_DETACHED ?
				       MECTL_SR_NONE : MECTL_SR_CACHED))
		goto free_msg;
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mectl_genl_family, msg, 0, MECTL_MCGRP_EVENTS,
			  GFP_KERNEL);
	dev_dbg(&chip->spi->dev, "%s: event %u sent\n", chip->name, event);
	return;

free_msg:
	nlmsg_free(msg);
}

/**
 * mectl_netlink_init() - register the generic netlink family.
 *
 * Return: 0 on success, -errno otherwise.
 */
int mectl_netlink_init(void)
{
	return genl_register_family(&mectl_genl_family);
}

/**
 * mectl_netlink_exit() - unregister the family, after commands in flight.
 */
void mectl_netlink_exit(void)
{
	genl_unregister_family(&mectl_genl_family);
}

/* "modprobe mectl_flash" on first use of the family by name. */
MODULE_ALIAS_GENL_FAMILY(MECTL_GENL_NAME);
