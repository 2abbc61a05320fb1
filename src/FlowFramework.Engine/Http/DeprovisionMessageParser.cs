using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Reads the resources out of the server's deprovision messages (DeprovisionWorkflowTransportAction):
    /// <c>Failed to deprovision some resources: [t id, ...].</c>, optionally followed by
    /// <c> These resources require the allow_delete parameter to deprovision: [t id, ...].</c>, or the second sentence alone.
    /// </summary>
    internal static class DeprovisionMessageParser
    {
        internal const string FailedPrefix = "Failed to deprovision some resources: [";
        internal const string AllowDeletePrefix = "These resources require the allow_delete parameter to deprovision: [";
        private const string ListEnd = "].";

        internal static bool IsAllowDeleteMessage(string? message) =>
            message is not null && message.TrimStart().StartsWith(AllowDeletePrefix, StringComparison.Ordinal);

        internal static (IReadOnlyList<FlowResourceKey> Failed, IReadOnlyList<FlowResourceKey> NeedsAllowDelete) Parse(string? message)
        {
            var failed = new List<FlowResourceKey>();
            var allowDelete = new List<FlowResourceKey>();
            if (string.IsNullOrEmpty(message))
            {
                return (failed, allowDelete);
            }

            var text = message!.Trim();

            // The allow_delete sentence comes last; its marker is searched from the end so an id that
            // happens to contain "]." in the failed list does not cut it short.
            var allowAt = text.LastIndexOf(AllowDeletePrefix, StringComparison.Ordinal);
            var failedAt = text.IndexOf(FailedPrefix, StringComparison.Ordinal);
            if (failedAt >= 0 && allowAt >= 0 && allowAt < failedAt)
            {
                allowAt = -1;
            }

            if (failedAt >= 0)
            {
                var start = failedAt + FailedPrefix.Length;
                var end = allowAt >= 0 ? allowAt : text.Length;
                failed.AddRange(ParseList(text.Substring(start, end - start)));
            }

            if (allowAt >= 0)
            {
                var start = allowAt + AllowDeletePrefix.Length;
                allowDelete.AddRange(ParseList(text.Substring(start)));
            }

            return (failed, allowDelete);
        }

        /// <summary>Parses <c>t1 id1, t2 id2].</c> (the tail after the opening bracket).</summary>
        private static IEnumerable<FlowResourceKey> ParseList(string tail)
        {
            var body = tail.TrimEnd();
            if (body.EndsWith(ListEnd, StringComparison.Ordinal))
            {
                body = body.Substring(0, body.Length - ListEnd.Length);
            }
            else if (body.EndsWith("]", StringComparison.Ordinal))
            {
                body = body.Substring(0, body.Length - 1);
            }

            if (body.Length == 0)
            {
                yield break;
            }

            // Split on ", " only where a known resource type follows, so ids holding ", " stay whole.
            var itemStart = 0;
            for (var i = 0; i < body.Length; i++)
            {
                if (body[i] == ',' && i + 1 < body.Length && body[i + 1] == ' ' && StartsWithKnownType(body, i + 2))
                {
                    var item = ParseItem(body.Substring(itemStart, i - itemStart));
                    if (item is not null)
                    {
                        yield return item;
                    }

                    itemStart = i + 2;
                    i++;
                }
            }

            var last = ParseItem(body.Substring(itemStart));
            if (last is not null)
            {
                yield return last;
            }
        }

        private static bool StartsWithKnownType(string text, int index)
        {
            foreach (var type in FlowStepCatalogue.ResourceTypes)
            {
                if (string.CompareOrdinal(text, index, type + " ", 0, type.Length + 1) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static FlowResourceKey? ParseItem(string item)
        {
            var space = item.IndexOf(' ');
            if (space <= 0)
            {
                return item.Length == 0 ? null : new FlowResourceKey(string.Empty, item);
            }

            return new FlowResourceKey(item.Substring(0, space), item.Substring(space + 1));
        }
    }
}
