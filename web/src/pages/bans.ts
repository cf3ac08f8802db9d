// Bans: the (channel, model) pairs out of rotation (ListChannelBans) with why, since when, until
// when at the latest and when the next probe is due; cleared one at a time or all at once
// (ClearChannelBans), for after an operator fixed a key. With REDIS every replica holds the same.
import { api } from "../api";
import { button, h, showNotice, table, time } from "../dom";
import { t } from "../i18n";

export async function bansPage(root: HTMLElement): Promise<void> {
  const listing = h("div");
  root.append(
    h(
      "div",
      { class: "toolbar" },
      button(t("Refresh"), () => refresh(), "bans-refresh"),
      button(t("Clear all"), async () => {
        if (!window.confirm(t("Lift every ban? Pairs that fail again are banned again."))) return;
        const { cleared } = await api.channels.clearChannelBans({});
        showNotice(t("{count} ban(s) cleared", { count: cleared }));
        await refresh();
      }, "bans-clear-all"),
    ),
    listing,
  );

  async function refresh(): Promise<void> {
    const [{ bans }, { channels }] = await Promise.all([
      api.channels.listChannelBans({}),
      api.channels.listChannels({ pageSize: 100 }),
    ]);
    const names = new Map(channels.map((channel) => [channel.id, channel.name]));
    if (bans.length === 0) {
      listing.replaceChildren(h("p", { "data-testid": "bans-empty" }, t("No channel is banned.")));
      return;
    }
    listing.replaceChildren(
      table(
        [t("Channel"), t("Model"), t("Reason"), t("Since"), t("Until at the latest"), t("Next probe"), ""],
        bans.map((ban) => [
          names.has(ban.channelId) ? `${names.get(ban.channelId)} (#${ban.channelId})` : `#${ban.channelId}`,
          ban.model,
          ban.reason,
          time(ban.sinceMs),
          time(ban.untilMs),
          time(ban.nextProbeMs),
          button(t("Clear"), async () => {
            const { cleared } = await api.channels.clearChannelBans({ channelId: ban.channelId, model: ban.model });
            showNotice(t("{count} ban(s) cleared: channel #{channel}, {model}", { count: cleared, channel: ban.channelId, model: ban.model }));
            await refresh();
          }, `bans-clear-${ban.channelId}-${ban.model}`),
        ]),
        "bans-table",
      ),
    );
  }

  await refresh();
}
