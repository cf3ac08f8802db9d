"""Creates a group, a token and a channel on a running aiproxy, then prints the export.

    AIPROXY_ADMIN_KEY=... python example.py 127.0.0.1:3000
"""

import os
import sys

import aiproxy_admin
from aiproxy_admin import channels_pb2, config_pb2, groups_pb2, tokens_pb2


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:3000"
    admin = aiproxy_admin.connect(target, os.environ["AIPROXY_ADMIN_KEY"])
    try:
        admin.groups.CreateGroup(groups_pb2.CreateGroupRequest(group=groups_pb2.Group(id="demo")))
        created = admin.tokens.CreateToken(
            tokens_pb2.CreateTokenRequest(token=tokens_pb2.Token(group_id="demo", name="cli"))
        )
        print("token key (shown once):", created.key)
        admin.channels.CreateChannel(
            channels_pb2.CreateChannelRequest(
                channel=channels_pb2.Channel(
                    name="demo-openai",
                    type="openai",
                    key=os.environ.get("OPENAI_API_KEY", "sk-replace-me"),
                    models=["gpt-4o-mini"],
                )
            )
        )
        print(admin.config.Export(config_pb2.ExportRequest()).document)
    finally:
        admin.close()


if __name__ == "__main__":
    main()
