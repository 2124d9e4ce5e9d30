// The Japanese sentence of a rule's refusal: the console shows `message`, tests and clients switch on
// `reason`. Unknown codes keep the standard message of conflict/invalid.
#include "yorisoi/gateway/api_json.hpp"

#include <array>
#include <utility>

namespace yorisoi::gateway {
namespace {

constexpr std::pair<std::string_view, std::string_view> refusal_messages[] = {
    // The consultation and who acts.
    {"consultation_closed", "この相談は終了しています。"},
    {"consultation_open", "この相談は終了していません。"},
    {"held_by_colleague",
     "ほかの相談員が担当している相談です。担当替えはスーパーバイザーに依頼してください。"},
    {"not_held", "この相談には担当者がいません。"},
    {"not_holder", "担当している相談員のみ返信できます。"},
    {"not_a_counsellor_here",
     "担当替えの相手は、この自治体の有効な相談員またはスーパーバイザーにしてください。"},
    {"empty_category", "空の分類は付けられません。"},
    {"text_length", "1〜5000文字で入力してください。"},
    {"unknown_age_band", "年代が正しくありません。"},
    {"resident_has_open_consultation", "この相談者には対応中の別の相談があります。"},
    {"limit_out_of_range", "一度に取得できる件数は1〜200件です。"},
    {"bad_cursor", "一覧の続きの指定が正しくありません。最初から読み込み直してください。"},
    {"bad_range", "期間は開始日から終了日の順に、3年以内で指定してください。"},
    // The consultation search.
    {"word_too_short", "検索する語は2文字以上にしてください（1文字では探せません）。"},
    {"word_too_long", "検索する語が長すぎます。1語50文字以内にしてください。"},
    {"too_many_words", "検索する語が多すぎます。8語以内にしてください。"},
    {"bad_date", "期間は正しい日付で、開始日から終了日の順に指定してください。"},
    {"unknown_priority", "緊急度が正しくありません。"},
    {"unknown_state", "状態が正しくありません。"},
    {"unknown_stage", "紹介の段階が正しくありません。"},
    {"bad_id", "相談者または担当者の指定が正しくありません。"},
    {"search_limit_out_of_range", "一度に表示できる件数は1〜50件です。"},
    {"not_counsellor", "相談員またはスーパーバイザーのみ行えます。"},
    {"emergency_needs_supervisor", "同意のない緊急の連携はスーパーバイザーのみ行えます。"},
    {"not_hub_officer", "窓口担当課の職員のみ行えます。"},
    {"not_recipient_officer", "連携先の職員のみ行えます。"},
    {"returned_by_system", "この回答は自動で相談に戻されます。"},
    // On shift.
    {"over_capacity", "担当できる相談の上限に達しています。ほかの相談を終了するか、スーパーバイザーに依頼してください。"},
    {"handover_note_required", "担当中の相談があります。引き継ぎメモを書いてから終了してください。"},
    {"capacity_out_of_range", "担当上限は1〜50件で指定してください。"},
    {"reason_length", "理由を1〜200文字で入力してください。"},
    // Staff: raises to roles that read conversations.
    {"nothing_pending", "確認を待っている役割の変更はありません。"},
    {"same_admin", "役割の変更は、変更した人とは別の管理者が確認してください。"},
    {"own_account", "自分の役割の変更は確認できません。"},
    // Staff accounts: what an admin entered, and one's own account.
    {"login_taken", "このログイン名は既に使われています。"},
    {"login_format", "ログイン名は空白を含まない半角の英数字・記号で、64文字以内にしてください。"},
    {"empty_login", "ログイン名を入力してください。"},
    {"empty_display_name", "表示名を入力してください。"},
    {"display_name_length", "表示名は1〜100文字にしてください。"},
    {"unknown_role", "役割が正しくありません。"},
    {"officer_needs_unit", "職員には所属を指定してください。"},
    {"unit_only_for_officers", "所属を指定できるのは職員だけです。"},
    {"own_account_change", "自分の役割・所属の変更や無効化はできません。別の管理者に依頼してください。"},
    {"password_too_short", "パスワードは12文字以上にしてください。"},
    {"wrong_password", "現在のパスワードが違います。"},
    // What was entered.
    {"empty_summary", "共有する内容を入力してください。"},
    {"empty_reason", "連携の理由を入力してください。"},
    {"no_units", "連携先を選んでください。"},
    {"unknown_unit", "連携先が正しくありません。"},
    {"duplicate_unit", "同じ連携先が重複しています。"},
    {"hub_skipped", "この自治体では窓口担当課を経由しません。連携先を選んでください。"},
    {"unknown_category", "分類が正しくありません。"},
    {"cannot_forward_to_hub", "窓口担当課には転送できません。"},
    {"empty_answer", "対応内容を入力してください。"},
    {"emergency_needs_basis", "法的根拠（個人情報保護法 第27条第1項第2号）を指定してください。"},
    {"emergency_needs_reason", "同意を得ることが困難な理由を入力してください。"},
    {"message_not_found", "同意の依頼以降の相談者本人のメッセージを指定してください。"},
    {"consent_before_request", "同意の依頼以降の相談者本人のメッセージを指定してください。"},
    {"consent_needs_source", "同意を示す相談者のメッセージを指定してください。"},
    {"postback_needs_resident", "相談者本人の操作が必要です。"},
    // The referral's state.
    {"already_closed", "この連携は完了しています。"},
    {"already_cancelled", "この連携は取り消されています。"},
    {"consent_not_requested", "同意の確認を依頼していません。"},
    {"not_awaiting_consent", "同意の確認中ではありません。"},
    {"consent_expired", "同意の確認期限が過ぎています。"},
    {"consent_already_granted", "同意は既に得られています。"},
    {"consent_already_requested", "同意の確認は既に依頼しています。"},
    {"consent_declined", "相談者は同意しませんでした。"},
    {"consent_withdrawn", "相談者は同意を撤回しました。"},
    {"already_sent", "この連携は既に送られています。"},
    {"not_at_hub", "窓口担当課で受け付けた状態ではありません。"},
    {"already_forwarded", "既に転送しています。"},
    {"not_forwarded", "まだ転送されていません。"},
    {"already_answered", "既に回答済みです。"},
    {"unit_already_answered", "この課は既に回答しています。"},
    {"not_answered", "まだすべての回答がそろっていません。"},
    {"already_returned", "回答は既に相談に戻されています。"},
    {"not_returned", "回答がまだ相談に戻されていません。"},
    {"emergency_referral", "緊急の連携には同意の記録はできません。"},
    // The second factor of one's account.
    {"second_factor_enrolled", "二要素認証は設定済みです。設定し直すには、いったん解除してください。"},
    {"no_enrolment", "二要素認証の設定を始めてください。"},
    {"wrong_code", "確認コードが違います。認証アプリに表示されている6桁の数字を入力してください。"},
    {"wrong_password_or_code", "パスワードまたは確認コードが違います。"},
};

}  // namespace

api_error refusal_error(std::string_view code, std::string_view reason) {
  api_error error = make_api_error(code);
  error.reason = std::string(reason);
  for (const auto& [known, message] : refusal_messages) {
    if (known == reason) {
      error.message = std::string(message);
      break;
    }
  }
  return error;
}

}  // namespace yorisoi::gateway
