using System;
using System.Runtime.InteropServices;
using System.Security;

namespace FlowFramework.Engine.Auth
{
    /// <summary>A SecureString's characters, taken out at the last moment (a header, a signing key, a key file's password).</summary>
    internal static class SecureText
    {
        /// <summary>The characters in a new array the caller clears when done.</summary>
        internal static char[] Chars(SecureString secure)
        {
            var chars = new char[secure.Length];
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                Marshal.Copy(pointer, chars, 0, chars.Length);
                return chars;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }

        /// <summary>The text, for APIs that take only strings; null for a missing or empty SecureString.</summary>
        internal static string? Text(SecureString? secure)
        {
            if (secure is null || secure.Length == 0)
            {
                return null;
            }

            var chars = Chars(secure);
            try
            {
                return new string(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }
    }
}
