# Streams N sessions of silence at real time (20 ms chunks) for D seconds; no utterance is cut,
# so the service's CPU is the ingest path alone (decode, mailbox, VAD, routing).
import asyncio, sys, time, msgpack, nats
N, D, URL = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
async def main():
    nc = await nats.connect(URL)
    chunk = bytes(640)
    ids = [f"silence-{i}-{int(time.time())}" for i in range(N)]
    for s in ids:
        await nc.publish(f"ai.voice.stream.{s}", msgpack.packb({"type": "start"}))
    t0 = time.monotonic(); k = 0
    while time.monotonic() - t0 < D:
        for s in ids:
            await nc.publish(f"ai.voice.stream.{s}", msgpack.packb({"type": "chunk", "audio": chunk}))
        k += 1
        await asyncio.sleep(max(0, t0 + k * 0.02 - time.monotonic()))
    for s in ids:
        await nc.publish(f"ai.voice.stream.{s}", msgpack.packb({"type": "end"}))
    await nc.flush(); await nc.close()
    print(f"sent {k * N} chunks")
asyncio.run(main())
