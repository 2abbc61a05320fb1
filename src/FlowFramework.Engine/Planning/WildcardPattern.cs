namespace FlowFramework.Engine
{
    /// <summary>Case-sensitive <c>*</c> and <c>?</c> matching, like the server's exact allow_delete match extended with wildcards.</summary>
    internal static class WildcardPattern
    {
        internal static bool IsMatch(string pattern, string text)
        {
            int p = 0, t = 0, star = -1, resume = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
                {
                    p++;
                    t++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    resume = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++resume;
                }
                else
                {
                    return false;
                }
            }

            while (p < pattern.Length && pattern[p] == '*')
            {
                p++;
            }

            return p == pattern.Length;
        }
    }
}
