namespace Unroll.Data.Csv;

/// <summary>
/// How <see cref="CsvSeriesReader"/> reads a date written as three numbers with the year last, such as
/// <c>01/02/2020</c>, which is the 2nd of January in the United States and the 1st of February in most other places.
/// ISO dates (<c>2020-01-02</c>) and dates with a month name (<c>Jan 2 2020</c>) read the same whatever the order.
/// </summary>
public enum DateOrder
{
    /// <summary>Only unambiguous dates: ISO and month names. A date such as <c>01/02/2020</c> is refused, naming the
    /// other two orders (the default).</summary>
    YearFirst,

    /// <summary>Month, day, year, as American spreadsheets write dates: <c>1/2/2020</c> and <c>01/02/2020</c> are the
    /// 2nd of January, also with '-' or '.' between the numbers and a time after (<c>1/2/2020 9:30</c>,
    /// <c>1/2/2020 9:30:15 PM</c>).</summary>
    MonthFirst,

    /// <summary>Day, month, year, as most of the world writes dates: <c>1/2/2020</c> and <c>01.02.2020</c> are the 1st
    /// of February, with the same separators and times as <see cref="MonthFirst"/>.</summary>
    DayFirst,
}
