namespace Gateway.Node.Plugins.HmacAuth;

/// <summary>
/// nginx's <c>ngx_parse_http_time</c> (Lua's <c>ngx.parse_http_time</c>), which Kong's hmac-auth reads Date
/// and X-Date with: RFC 1123, RFC 850 and asctime layouts, read by position. Like nginx it does not check
/// the weekday name or the zone after the seconds ("UTC", "+0000" read as GMT) and knows a month by its
/// first letters.
/// </summary>
public static class NginxHttpTime
{
    private static readonly int[] MonthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private enum Layout
    {
        None,
        Rfc822,
        Rfc850,
        Isoc,
    }

    /// <summary>Unix seconds, or null where nginx answers an error.</summary>
    public static long? Parse(ReadOnlySpan<char> s)
    {
        var layout = Layout.None;
        var end = s.Length;
        var p = 0;
        for (; p < end; p++)
        {
            if (s[p] == ',')
            {
                break;
            }

            if (s[p] == ' ')
            {
                layout = Layout.Isoc;
                break;
            }
        }

        for (p++; p < end; p++)
        {
            if (s[p] != ' ')
            {
                break;
            }
        }

        // The length checks below are nginx's: each keeps every later index inside the text.
        if (end - p < 18)
        {
            return null;
        }

        var day = 32;
        if (layout != Layout.Isoc)
        {
            if (!TwoDigits(s, p, out day))
            {
                return null;
            }

            p += 2;
            if (s[p] == ' ')
            {
                if (end - p < 18)
                {
                    return null;
                }

                layout = Layout.Rfc822;
            }
            else if (s[p] == '-')
            {
                layout = Layout.Rfc850;
            }
            else
            {
                return null;
            }

            p++;
        }

        int month;
        switch (s[p])
        {
            case 'J':
                month = s[p + 1] == 'a' ? 0 : s[p + 2] == 'n' ? 5 : 6;
                break;
            case 'F':
                month = 1;
                break;
            case 'M':
                month = s[p + 2] == 'r' ? 2 : 4;
                break;
            case 'A':
                month = s[p + 1] == 'p' ? 3 : 7;
                break;
            case 'S':
                month = 8;
                break;
            case 'O':
                month = 9;
                break;
            case 'N':
                month = 10;
                break;
            case 'D':
                month = 11;
                break;
            default:
                return null;
        }

        p += 3;
        if ((layout == Layout.Rfc822 && s[p] != ' ') || (layout == Layout.Rfc850 && s[p] != '-'))
        {
            return null;
        }

        p++;
        var year = 2038;
        if (layout == Layout.Rfc822)
        {
            if (!TwoDigits(s, p, out var high) || !TwoDigits(s, p + 2, out var low))
            {
                return null;
            }

            year = (high * 100) + low;
            p += 4;
        }
        else if (layout == Layout.Rfc850)
        {
            if (!TwoDigits(s, p, out year))
            {
                return null;
            }

            year += year < 70 ? 2000 : 1900;
            p += 2;
        }

        if (layout == Layout.Isoc)
        {
            if (s[p] == ' ')
            {
                p++;
            }

            if (!char.IsAsciiDigit(s[p]))
            {
                return null;
            }

            day = s[p++] - '0';
            if (s[p] != ' ')
            {
                if (!char.IsAsciiDigit(s[p]))
                {
                    return null;
                }

                day = (day * 10) + (s[p++] - '0');
            }

            if (end - p < 14)
            {
                return null;
            }
        }

        if (s[p++] != ' ' || !TwoDigits(s, p, out var hour) || s[p + 2] != ':'
            || !TwoDigits(s, p + 3, out var min) || s[p + 5] != ':' || !TwoDigits(s, p + 6, out var sec))
        {
            return null;
        }

        p += 8;
        if (layout == Layout.Isoc)
        {
            if (s[p++] != ' ' || !TwoDigits(s, p, out var high) || !TwoDigits(s, p + 2, out var low))
            {
                return null;
            }

            year = (high * 100) + low;
        }

        if (hour > 23 || min > 59 || sec > 59 || year < 1)
        {
            return null;
        }

        if (day == 29 && month == 1)
        {
            if ((year & 3) != 0 || (year % 100 == 0 && year % 400 != 0))
            {
                return null;
            }
        }
        else if (day > MonthDays[month])
        {
            return null;
        }

        // nginx counts days from the first of the month, so a day 0 is the previous month's last day.
        return new DateTimeOffset(year, month + 1, 1, hour, min, sec, TimeSpan.Zero).AddDays(day - 1).ToUnixTimeSeconds();
    }

    private static bool TwoDigits(ReadOnlySpan<char> s, int at, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(s[at]) || !char.IsAsciiDigit(s[at + 1]))
        {
            return false;
        }

        value = ((s[at] - '0') * 10) + (s[at + 1] - '0');
        return true;
    }
}
