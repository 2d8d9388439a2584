"""The helpline text a new site starts with. Editors change it under Settings > Child helpline;
these are only the defaults of a fresh row, so the help page is never empty.

None of our sources says the call is free or that it answers at every hour: the defaults say what
the helpline is for, and editors add its hours only from an official source."""

NAME_VI = "Tổng đài điện thoại quốc gia bảo vệ trẻ em"
NAME_EN = "National Child Protection Hotline"

AVAILABILITY_VI = "Gọi để được tư vấn, hỗ trợ."
AVAILABILITY_EN = "Call for advice and support."

WHAT_HAPPENS_VI = (
    "<p>Một người lớn được đào tạo để lắng nghe trẻ em sẽ nghe máy. "
    "Em có thể gọi cho dù chuyện xảy ra trên mạng hay ngoài đời.</p>"
    "<ul>"
    "<li>Em kể chuyện theo cách của em, chậm rãi cũng được.</li>"
    "<li>Người nghe máy không trách em và không cười em. "
    "Chuyện xấu xảy ra không bao giờ là lỗi của em.</li>"
    "<li>Họ cùng em nghĩ xem bước tiếp theo là gì. Khi cần, họ báo cho những người có trách nhiệm "
    "bảo vệ trẻ em ở nơi em sống để đến giúp em.</li>"
    "</ul>"
)
WHAT_HAPPENS_EN = (
    "<p>An adult trained to listen to children answers. "
    "You can call whether it happened online or offline.</p>"
    "<ul>"
    "<li>You tell it your way, and you can take your time.</li>"
    "<li>The person who answers will not blame you or laugh at you. "
    "When something bad happens, it is never your fault.</li>"
    "<li>Together you work out what to do next. When needed, they tell the people responsible "
    "for protecting children where you live, so that someone comes to help you.</li>"
    "</ul>"
)

TRUSTED_ADULT_VI = (
    "<p>Một người lớn tin cậy là người em thấy an toàn khi ở bên: bố mẹ, ông bà, "
    "thầy cô, cô chú hay anh chị lớn trong nhà.</p>"
    "<ul>"
    "<li>Nếu điều gì trên mạng làm em sợ, buồn hoặc khó chịu: dừng lại, đừng trả lời, "
    "và kể cho người đó nghe.</li>"
    "<li>Giữ lại tin nhắn hoặc chụp màn hình nếu em có thể, để người lớn giúp em báo cáo.</li>"
    "<li>Nếu người đầu tiên không lắng nghe, hãy kể cho một người khác, hoặc gọi 111.</li>"
    "</ul>"
)
TRUSTED_ADULT_EN = (
    "<p>A trusted adult is someone you feel safe with: a parent, a grandparent, "
    "a teacher, an aunt or uncle, or an older brother or sister.</p>"
    "<ul>"
    "<li>If something online makes you scared, sad or uncomfortable: stop, do not reply, "
    "and tell them.</li>"
    "<li>Keep the messages or take a screenshot if you can, so an adult can help you report it.</li>"
    "<li>If the first person does not listen, tell someone else, or call 111.</li>"
    "</ul>"
)

# The national child helpline and the police: the numbers a fresh site starts with, and the ones
# the error pages show, which must render without the database that holds the setting.
PHONE_NUMBER = "111"
EMERGENCY_NUMBER = "113"
