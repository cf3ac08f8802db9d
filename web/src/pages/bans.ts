// Bans: the (channel, model) pairs out of rotation (ListChannelBans) with why, since when, until
// when at the latest and when the next probe is due; cleared one at a time or all at once
// (ClearChannelBans), for after an operator fixed a key. With REDIS every replica holds the same.
import { api } from "../api";
import { button, h, showNotice, table, time } from "../dom";

export async function bansPage(root: HTMLElement): Promise<void> {
  const listing = h("div");
  root.append(
    h(
      "div",
      { class: "toolbar" },
      button("Refresh", () => refresh(), "bans-refresh"),
      button("Clear all", async () => {
        if (!window.confirm("Lift every ban? Pairs that fail again are banned again.")) return;
        const { cleared } = await api.channels.clearChannelBans({});
        showNotice(`${cleared} ban(s) cleared`);
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
      listing.replaceChildren(h("p", { "data-testid": "bans-empty" }, "No channel is banned."));
      return;
    }
    listing.replaceChildren(
      table(
        ["Channel", "Model", "Reason", "Since", "Until at the latest", "Next probe", ""],
        bans.map((ban) => [
          names.has(ban.channelId) ? `${names.get(ban.channelId)} (#${ban.channelId})` : `#${ban.channelId}`,
          ban.model,
          ban.reason,
          time(ban.sinceMs),
          time(ban.untilMs),
          time(ban.nextProbeMs),
          button("Clear", async () => {
            const { cleared } = await api.channels.clearChannelBans({ channelId: ban.channelId, model: ban.model });
            showNotice(`${cleared} ban(s) cleared: channel #${ban.channelId}, ${ban.model}`);
            await refresh();
          }, `bans-clear-${ban.channelId}-${ban.model}`),
        ]),
        "bans-table",
      ),
    );
  }

  await refresh();
}
